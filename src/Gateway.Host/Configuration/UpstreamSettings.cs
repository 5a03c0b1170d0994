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

    /// <summary>Interval between reads of each replica's vLLM <c>/metrics</c> for load signals (&gt; 0), in the background.</summary>
    public double MetricsIntervalSeconds { get; set; } = 2;
}
