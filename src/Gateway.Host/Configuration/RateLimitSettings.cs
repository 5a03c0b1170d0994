namespace Gateway.Host.Configuration;

/// <summary>Per-key token-bucket limits (<c>Gateway:RateLimit</c>; legacy <c>RATE_LIMIT_*</c>).</summary>
internal sealed class RateLimitSettings
{
    /// <summary>Requests per minute per key (&gt; 0). Legacy <c>RATE_LIMIT_RPM</c>.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Most buckets kept at once (&gt; 0). Legacy <c>RATE_LIMIT_MAX_KEYS</c>.</summary>
    public int MaxKeys { get; set; } = 10_000;

    /// <summary>Idle time after which a bucket is dropped (&gt; 0). Legacy <c>RATE_LIMIT_IDLE_EVICT_S</c>.</summary>
    public double IdleEvictSeconds { get; set; } = 3600;
}
