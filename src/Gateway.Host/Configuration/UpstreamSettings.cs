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
}
