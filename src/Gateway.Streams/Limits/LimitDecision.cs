namespace Gateway.Streams.Limits;

/// <summary>
/// The limiter's answer: a <see cref="Lease"/> to complete when the request ends, or the limit that refused it
/// (<see cref="ExceededLimit"/>: <c>requests per minute</c>, <c>tokens per minute</c>, <c>concurrent requests</c>)
/// and when to retry. <see cref="Headers"/> is filled in both cases.
/// </summary>
public readonly record struct LimitDecision(KeyLease? Lease, string? ExceededLimit, TimeSpan RetryAfter, RateLimitHeaderValues Headers)
{
    public bool Allowed => Lease is not null;
}
