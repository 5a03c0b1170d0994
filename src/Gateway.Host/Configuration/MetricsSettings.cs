namespace Gateway.Host.Configuration;

/// <summary>The Prometheus scrape endpoint <c>GET /metrics</c> (<c>Gateway:Metrics</c>).</summary>
internal sealed class MetricsSettings
{
    /// <summary>
    /// 0 (default): <c>/metrics</c> is served on the gateway's own port. Otherwise a separate port, bound on
    /// 127.0.0.1 only, that serves <c>/metrics</c> and nothing else (the main port then does not serve it).
    /// </summary>
    public int Port { get; set; }

    /// <summary>When true, <c>/metrics</c> needs a valid bearer key like the API (default false, like <c>/health</c>).</summary>
    public bool RequireKey { get; set; }
}
