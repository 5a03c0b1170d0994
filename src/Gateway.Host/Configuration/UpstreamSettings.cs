namespace Gateway.Host.Configuration;

/// <summary>Timeouts and health probing shared by every upstream (<c>Gateway:Upstream</c>).</summary>
internal sealed class UpstreamSettings
{
    /// <summary>Whole-request timeout towards vLLM (&gt; 0). Legacy <c>VLLM_REQUEST_TIMEOUT_S</c>.</summary>
    public double RequestTimeoutSeconds { get; set; } = 600;

    /// <summary>Interval between active health probes of each replica (&gt; 0).</summary>
    public double ProbeIntervalSeconds { get; set; } = 5;

    /// <summary>Timeout of one health probe (&gt; 0).</summary>
    public double ProbeTimeoutSeconds { get; set; } = 2;

    /// <summary>Largest plain (non-streaming) upstream body relayed (&gt; 0); a larger one is answered 502. Default 64 MiB.</summary>
    public int MaxResponseBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Interval between reads of each replica's vLLM <c>/metrics</c> for load signals (&gt; 0), in the background.</summary>
    public double MetricsIntervalSeconds { get; set; } = 2;

    /// <summary>Phase timeout: TCP connect to a replica (&gt; 0); <c>upstream_connect_timeout</c>.</summary>
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Phase timeout: waiting in the model's queue (&gt; 0); <c>queue_timeout</c>.</summary>
    public double QueueTimeoutSeconds { get; set; } = 60;

    /// <summary>Phase timeout, per attempt: response headers of a plain request, first event of a stream (&gt; 0); <c>upstream_ttft_timeout</c>.</summary>
    public double TtftTimeoutSeconds { get; set; } = 300;

    /// <summary>Phase timeout: silence between two stream events (&gt; 0); <c>upstream_idle_timeout</c>.</summary>
    public double IdleTimeoutSeconds { get; set; } = 120;

    /// <summary>Retries of a request on another replica before its first byte (0..5).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Retries may be at most this percentage of a model's requests over a 10 s window (0..100).</summary>
    public double RetryBudgetPercent { get; set; } = 20;
}
