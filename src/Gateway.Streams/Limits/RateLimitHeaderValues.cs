namespace Gateway.Streams.Limits;

/// <summary>
/// What OpenAI's <c>x-ratelimit-*</c> headers report for a key right after a decision: the limit, what is left and
/// the time until the bucket is full again, for requests and for tokens (null when that limit is off).
/// </summary>
public readonly record struct RateLimitHeaderValues(
    int? LimitRequests,
    int RemainingRequests,
    TimeSpan ResetRequests,
    int? LimitTokens,
    int RemainingTokens,
    TimeSpan ResetTokens)
{
    public static RateLimitHeaderValues None { get; } = new(null, 0, TimeSpan.Zero, null, 0, TimeSpan.Zero);
}
