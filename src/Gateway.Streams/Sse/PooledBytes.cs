using System.Buffers;

namespace Gateway.Streams.Sse;

/// <summary>A growable byte buffer whose array is rented from the shared pool and given back on <see cref="Dispose"/>.</summary>
internal sealed class PooledBytes : IDisposable
{
    private byte[] _array;

    public PooledBytes(int initialSize) => _array = ArrayPool<byte>.Shared.Rent(initialSize);

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, WrittenCount);

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, WrittenCount);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (WrittenCount + bytes.Length > _array.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, WrittenCount + bytes.Length));
            WrittenSpan.CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_array);
            _array = larger;
        }

        bytes.CopyTo(_array.AsSpan(WrittenCount));
        WrittenCount += bytes.Length;
    }

    public void Reset() => WrittenCount = 0;

    public void Dispose()
    {
        var array = _array;
        _array = [];
        WrittenCount = 0;
        if (array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
