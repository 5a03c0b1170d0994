namespace Gateway.Streams.Tests.Support;

/// <summary>
/// A read-only stream that never sends anything: a read waits until the stream is disposed (then fails as a closed
/// network stream does) and ignores its cancellation token. Remembers the token of the last read.
/// </summary>
public sealed class SilentStream : Stream
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingReads;

    public int PendingReads => Volatile.Read(ref _pendingReads);

    public CancellationToken LastReadToken { get; private set; }

    public bool Disposed => _disposed.Task.IsCompleted;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        LastReadToken = cancellationToken;
        Interlocked.Increment(ref _pendingReads);
        try
        {
            await _disposed.Task.ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(SilentStream));
        }
        finally
        {
            Interlocked.Decrement(ref _pendingReads);
        }
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
        _disposed.TrySetResult();
        base.Dispose(disposing);
    }
}
