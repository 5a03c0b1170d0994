namespace Gateway.Streams.Limits;

/// <summary>Decides whether one more request from <c>key</c> is admitted now.</summary>
public interface IRateLimiter
{
    RateLimitDecision TryAcquire(string key);
}

public readonly record struct RateLimitDecision(bool Allowed, int RetryAfterSeconds)
{
    public static RateLimitDecision Allow { get; } = new(true, 0);
}

/// <summary>Admits everything (rate limiting disabled).</summary>
public sealed class UnlimitedRateLimiter : IRateLimiter
{
    public static UnlimitedRateLimiter Instance { get; } = new();

    public RateLimitDecision TryAcquire(string key) => RateLimitDecision.Allow;
}
