namespace Gateway.Streams.Tests.Support;

/// <summary>A read-only stream that hands out the given chunks one read at a time, then ends or fails. Zero-byte reads return at once.</summary>
public sealed class ChunkedStream(IEnumerable<byte[]> chunks, Exception? failAtEnd = null, bool yieldOnRead = true) : Stream
{
    private readonly IEnumerator<byte[]> _chunks = chunks.GetEnumerator();
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public bool Disposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

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

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
