namespace Gateway.Streams.Tests.Support;

/// <summary>
/// A read-only stream that never sends anything: a read waits until the stream is disposed (then fails as a closed
/// network stream does) and ignores its cancellation token. Remembers the token of the last read.
/// </summary>
public sealed class SilentStream : AsyncReadOnlyStream
{
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pendingReads;

    public int PendingReads => Volatile.Read(ref _pendingReads);

    public CancellationToken LastReadToken { get; private set; }

    public bool Disposed => _disposed.Task.IsCompleted;

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

    protected override void Dispose(bool disposing)
    {
        _disposed.TrySetResult();
        base.Dispose(disposing);
    }
}
