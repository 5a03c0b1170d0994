namespace Gateway.Streams.Proxy;

/// <summary>
/// A 2xx upstream response whose headers have arrived and whose body is still to be relayed. It owns the
/// request's cancellation (client abort + total timeout): disposing it closes the upstream connection, which
/// is what makes vLLM abort the generation and free the GPU.
/// </summary>
public sealed class UpstreamResponse : IDisposable
{
    private readonly RequestDeadline _deadline;
    private readonly Action _onDispose;
    private readonly Stream? _body;
    private int _disposed;

    /// <param name="body">
    /// The body already opened by the dispatcher (a stream's first event read, and in front of the rest); null: the
    /// relay opens <see cref="HttpResponseMessage.Content"/> itself.
    /// </param>
    internal UpstreamResponse(HttpResponseMessage message, RequestDeadline deadline, UpstreamEndpoint endpoint, Action onDispose, Stream? body = null)
    {
        Message = message;
        _deadline = deadline;
        Endpoint = endpoint;
        _onDispose = onDispose;
        _body = body;
    }

    public HttpResponseMessage Message { get; }

    public UpstreamEndpoint Endpoint { get; }

    /// <summary>Cancelled when the client leaves or the total request timeout passes.</summary>
    public CancellationToken Token => _deadline.Token;

    public bool ClientAborted => _deadline.CallerCancelled;

    /// <summary>The token fired because of the gateway's timeout, not the client.</summary>
    public bool TimedOut => _deadline.TimedOut;

    /// <summary>The <c>Content-Type</c> as the replica sent it (read without parsing or copying it).</summary>
    public string? ContentType => Message.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;

    /// <summary>The response is <c>text/event-stream</c> (read without building a string).</summary>
    public bool IsEventStream =>
        string.Equals(Message.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body to relay: for a stream, the one the dispatcher opened (its first event still in front of the rest).</summary>
    public ValueTask<Stream> OpenBodyAsync(CancellationToken cancellationToken) =>
        _body is { } body ? ValueTask.FromResult(body) : new ValueTask<Stream>(Message.Content.ReadAsStreamAsync(cancellationToken));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _body?.Dispose();
        Message.Dispose();
        _deadline.Dispose();
        _onDispose();
    }
}
