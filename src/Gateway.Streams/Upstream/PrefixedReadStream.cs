using System.Buffers;

namespace Gateway.Streams.Upstream;

/// <summary>
/// A response body whose first bytes were already read (a stream's first event, awaited before the response was
/// handed over): reads return those bytes first, then the rest of <paramref name="inner"/>. The bytes lie in
/// <paramref name="pooled"/>, rented from <see cref="ArrayPool{T}.Shared"/>, which goes back to the pool once a read
/// has taken the last of them (a body disposed before that just drops it). Disposing disposes
/// <paramref name="inner"/>, which is what aborts the upstream connection. One reader at a time, as for any stream.
/// </summary>
internal sealed class PrefixedReadStream(byte[] pooled, int length, Stream inner) : Stream
{
    private byte[]? _pooled = pooled;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pooled is not { } prefix)
        {
            return inner.ReadAsync(buffer, cancellationToken);
        }

        if (buffer.IsEmpty)
        {
            return ValueTask.FromResult(0); // a zero-byte read waits for data: the prefix is there already
        }

        var count = Math.Min(buffer.Length, length - _offset);
        prefix.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        if (_offset == length)
        {
            _pooled = null;
            ArrayPool<byte>.Shared.Return(prefix);
        }

        return ValueTask.FromResult(count);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
