using Gateway.Streams.Breaker;

namespace Gateway.Streams.Proxy;

/// <summary>One vLLM replica: its base URL (without <c>/v1</c>) and its circuit breaker.</summary>
public sealed class UpstreamEndpoint(Uri baseUri, UpstreamCircuitBreaker breaker)
{
    private int _inFlight;

    /// <summary>The base URL, always ending in <c>/</c> so a path prefix (<c>http://host/vllm/</c>) is kept.</summary>
    public Uri BaseUri { get; } = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");

    public UpstreamCircuitBreaker Breaker { get; } = breaker;

    /// <summary>A short label for logs and metrics (never carries credentials).</summary>
    public string Label { get; } = $"{baseUri.Scheme}://{baseUri.Authority}";

    public int InFlight => Volatile.Read(ref _inFlight);

    public Uri Resolve(string path) => new(BaseUri, path.TrimStart('/'));

    internal void Enter() => Interlocked.Increment(ref _inFlight);

    internal void Leave() => Interlocked.Decrement(ref _inFlight);
}
