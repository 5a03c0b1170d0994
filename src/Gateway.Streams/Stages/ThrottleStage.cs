using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Stages;

/// <summary>
/// Per-key request-rate admission: charges the request's key one token and answers 429 with
/// <c>Retry-After</c> when the key's bucket is empty. The buckets live in a shared <see cref="IRateLimiter"/>,
/// so a key's limit holds across every model's pipeline.
/// </summary>
internal sealed class ThrottleStage(IRateLimiter limiter) : RequestGateStage("throttle")
{
    protected override GatewayError? Admit(ProxyRequest request)
    {
        var decision = limiter.TryAcquire(request.RateLimitKey);
        return decision.Allowed
            ? null
            : GatewayError.RateLimited("Rate limit exceeded: too many requests for this key.", decision.RetryAfterSeconds) with { Cause = "rate_limited" };
    }
}
