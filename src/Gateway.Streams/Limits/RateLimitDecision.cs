namespace Gateway.Streams.Limits;

public readonly record struct RateLimitDecision(bool Allowed, int RetryAfterSeconds)
{
    public static RateLimitDecision Allow { get; } = new(true, 0);
}
