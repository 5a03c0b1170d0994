namespace Gateway.Streams.Limits;

/// <summary>Decides whether one more request from <c>key</c> is admitted now.</summary>
public interface IRateLimiter
{
    RateLimitDecision TryAcquire(string key);
}
