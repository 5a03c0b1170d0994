namespace Gateway.Streams.Proxy;

/// <summary>
/// A 2xx upstream response whose headers have arrived and whose body is still to be relayed. It owns the
/// request's cancellation (client abort + total timeout): disposing it closes the upstream connection, which
/// is what makes vLLM abort the generation and free the GPU.
/// </summary>
public sealed class UpstreamResponse : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationToken _clientAborted;
    private readonly Action _onDispose;
    private int _disposed;

    internal UpstreamResponse(HttpResponseMessage message, CancellationTokenSource cancellation, UpstreamEndpoint endpoint, Action onDispose, CancellationToken clientAborted)
    {
        Message = message;
        _cancellation = cancellation;
        _clientAborted = clientAborted;
        Endpoint = endpoint;
        _onDispose = onDispose;
    }

    public HttpResponseMessage Message { get; }

    public UpstreamEndpoint Endpoint { get; }

    /// <summary>Cancelled when the client leaves or the total request timeout passes.</summary>
    public CancellationToken Token => _cancellation.Token;

    public bool ClientAborted => _clientAborted.IsCancellationRequested;

    /// <summary>The token fired because of the gateway's timeout, not the client.</summary>
    public bool TimedOut => _cancellation.IsCancellationRequested && !_clientAborted.IsCancellationRequested;

    public string? ContentType => Message.Content.Headers.ContentType?.ToString();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Message.Dispose();
        _cancellation.Dispose();
        _onDispose();
    }
}
