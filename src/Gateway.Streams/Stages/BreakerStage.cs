using Gateway.Streams.Proxy;

namespace Gateway.Streams.Stages;

/// <summary>
/// Picks the replica for each request (round robin over the replicas whose breaker admits it) and fails fast
/// with 503 and <c>Retry-After</c> when every replica's breaker is open.
/// </summary>
internal sealed class BreakerStage : RequestGateStage
{
    private readonly UpstreamEndpoint[] _endpoints;
    private int _next;

    public BreakerStage(IReadOnlyList<UpstreamEndpoint> endpoints)
        : base("breaker")
    {
        ArgumentOutOfRangeException.ThrowIfZero(endpoints.Count);
        _endpoints = [.. endpoints];
    }

    protected override GatewayError? Admit(ProxyRequest request)
    {
        var shortest = TimeSpan.MaxValue;
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_endpoints.Length);
        for (var i = 0; i < _endpoints.Length; i++)
        {
            var endpoint = _endpoints[(start + i) % _endpoints.Length];
            if (endpoint.Breaker.TryAcquire(out var retryAfter))
            {
                request.Endpoint = endpoint;
                return null;
            }

            shortest = retryAfter < shortest ? retryAfter : shortest;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(shortest.TotalSeconds));
        return GatewayError.UpstreamUnavailable("circuit_breaker_open: upstream is failing fast", 503, seconds);
    }
}
