namespace Gateway.Host.Configuration;

/// <summary>
/// Everything the gateway reads at start-up, bound from the <c>Gateway</c> configuration section by
/// <see cref="GatewayConfiguration.Bind"/> and checked by <see cref="GatewaySettingsValidator"/>.
/// </summary>
/// <remarks>
/// Deliberate difference from the Python gateway: with no upstream configured at all (no
/// <c>VLLM_UPSTREAM_URL</c> and no model with upstreams in the configuration), the Python default
/// upstream <c>http://127.0.0.1:18000</c> is NOT assumed. Instead <see cref="Simulated"/> is true and the
/// host starts the embedded vLLM simulator on a loopback port, serving one model whose id is
/// <see cref="DefaultModelId"/> (default <c>selfhost-qwen</c>). To keep the old behaviour, set
/// <c>VLLM_UPSTREAM_URL=http://127.0.0.1:18000</c> explicitly.
/// </remarks>
internal sealed class GatewaySettings
{
    /// <summary>Listening address, port and body limit.</summary>
    public ServerSettings Server { get; set; } = new();

    /// <summary>Bearer token and API keys.</summary>
    public AuthSettings Auth { get; set; } = new();

    /// <summary>Per-key rate limiting.</summary>
    public RateLimitSettings RateLimit { get; set; } = new();

    /// <summary>Upstream circuit breaker.</summary>
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>The Prometheus scrape endpoint.</summary>
    public MetricsSettings Metrics { get; set; } = new();

    /// <summary>Upstream timeouts and probing.</summary>
    public UpstreamSettings Upstream { get; set; } = new();

    /// <summary>
    /// The models served. After <see cref="GatewayConfiguration.Bind"/> this is never empty: with nothing
    /// configured it holds one model with id <see cref="DefaultModelId"/> and no upstreams.
    /// </summary>
    public List<ModelSettings> Models { get; set; } = [];

    /// <summary>
    /// Legacy <c>DEFAULT_MODEL_ID</c>: the simulated model's id, and the id of the single model defined by
    /// <c>VLLM_UPSTREAM_URL</c>. When models are configured it must be one of their ids; if it is not set
    /// explicitly, <see cref="GatewayConfiguration.Bind"/> sets it to the first model's id.
    /// </summary>
    public string DefaultModelId { get; set; } = "selfhost-qwen";

    /// <summary>Legacy <c>LOG_LEVEL</c>: one of <see cref="GatewayLogLevel.Names"/>, case-insensitive.</summary>
    public string LogLevel { get; set; } = "INFO";

    /// <summary><c>LOG_FORMAT</c>: <c>text</c> (human console, default) or <c>json</c> (compact JSON, one object per line, every sink).</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>True when <see cref="LogFormat"/> asks for compact JSON.</summary>
    public bool JsonLogs => string.Equals(LogFormat, "json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when no model has an upstream URL: the host must start the embedded vLLM simulator and point
    /// the models at it. Read it before adding the simulator's URL to <see cref="ModelSettings.Upstreams"/>.
    /// </summary>
    public bool Simulated => Models.TrueForAll(m => m.Upstreams.Count == 0);

    /// <summary>
    /// True when there is neither a bearer token nor an API key: every request is let in. Validation allows
    /// this only on a loopback bind (dev mode); the host should log a loud warning.
    /// </summary>
    public bool AuthDisabled => string.IsNullOrEmpty(Auth.BearerToken) && Auth.Keys.Count == 0;

    /// <summary><see cref="LogLevel"/> as a Microsoft.Extensions.Logging level (Information when unknown).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel =>
        GatewayLogLevel.TryParse(LogLevel, out var level) ? level : Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary><see cref="LogLevel"/> as a Serilog level.</summary>
    public Serilog.Events.LogEventLevel SerilogMinimumLevel => GatewayLogLevel.ToSerilog(MinimumLogLevel);

    /// <summary>Gateway:* key → legacy variable that supplied its value; filled by <see cref="GatewayConfiguration.Bind"/>.</summary>
    internal IReadOnlyDictionary<string, string> LegacyOrigins { get; set; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// How messages name a key: <c>SERVER_PORT (Gateway:Server:Port)</c> when its value came from a legacy
    /// environment variable (or <c>.env</c>), otherwise just <c>Gateway:Server:Port</c>.
    /// </summary>
    public string DescribeKey(string gatewayKey) =>
        LegacyOrigins.TryGetValue(gatewayKey, out var legacy) ? $"{legacy} ({gatewayKey})" : gatewayKey;

    /// <summary>The name of the legacy variable that supplied <paramref name="gatewayKey"/>, if any.</summary>
    public string? LegacyNameOf(string gatewayKey) =>
        LegacyOrigins.TryGetValue(gatewayKey, out var legacy) ? legacy : null;
}
