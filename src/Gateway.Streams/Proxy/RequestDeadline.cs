namespace Gateway.Streams.Proxy;

/// <summary>
/// One upstream call's cancellation: the caller's token or a timeout on the injected clock, whichever comes
/// first. <see cref="TimedOut"/> tells the two apart.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public RequestDeadline(TimeSpan timeout, TimeProvider time, CancellationToken caller)
    {
        _caller = caller;
        _timeout = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timeout.Token);
    }

    public CancellationToken Token => _linked.Token;

    public bool CallerCancelled => _caller.IsCancellationRequested;

    /// <summary>The token fired because of the timeout, not the caller.</summary>
    public bool TimedOut => _linked.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
