namespace Gateway.Streams.Tests.Support;

/// <summary>A read-only stream that hands out the given chunks one read at a time, then ends or fails. Zero-byte reads return at once.</summary>
public sealed class ChunkedStream(IEnumerable<byte[]> chunks, Exception? failAtEnd = null, bool yieldOnRead = true) : AsyncReadOnlyStream
{
    private readonly IEnumerator<byte[]> _chunks = chunks.GetEnumerator();
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public bool Disposed { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (yieldOnRead)
        {
            await Task.Yield();
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (buffer.IsEmpty)
        {
            // A zero-byte read waits for data without taking any (as the network streams do); not counted.
            return 0;
        }

        Interlocked.Increment(ref _reads);
        if (!_chunks.MoveNext())
        {
            return failAtEnd is null ? 0 : throw failAtEnd;
        }

        _chunks.Current.CopyTo(buffer);
        return _chunks.Current.Length;
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
