namespace Gateway.Host.Configuration;

/// <summary>Per-key limits (<c>Gateway:RateLimit</c>; legacy <c>RATE_LIMIT_*</c>): the defaults of keys that set none, and the limiter's memory bounds.</summary>
internal sealed class RateLimitSettings
{
    /// <summary>Requests per minute per key (&gt; 0). Legacy <c>RATE_LIMIT_RPM</c>.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Tokens (prompt + completion) per minute per key; 0 = unlimited.</summary>
    public int TokensPerMinute { get; set; }

    /// <summary>Requests per key in flight or queued at once; 0 = unlimited.</summary>
    public int MaxConcurrent { get; set; }

    /// <summary>Most keys whose limiter state is kept at once (&gt; 0). Legacy <c>RATE_LIMIT_MAX_KEYS</c>.</summary>
    public int MaxKeys { get; set; } = 10_000;

    /// <summary>Idle time after which a key's limiter state is dropped (&gt; 0). Legacy <c>RATE_LIMIT_IDLE_EVICT_S</c>.</summary>
    public double IdleEvictSeconds { get; set; } = 3600;
}
