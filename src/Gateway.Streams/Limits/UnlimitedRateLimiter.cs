namespace Gateway.Streams.Limits;

/// <summary>Admits everything (rate limiting disabled).</summary>
public sealed class UnlimitedRateLimiter : IRateLimiter
{
    public static UnlimitedRateLimiter Instance { get; } = new();

    public RateLimitDecision TryAcquire(string key) => RateLimitDecision.Allow;
}
