namespace Gateway.Host.Configuration;

/// <summary>
/// The Python gateway's environment variables (pydantic-settings, case-insensitive) and the
/// <c>Gateway:*</c> keys they map to, so existing <c>.env</c> files and compose files keep working.
/// </summary>
/// <remarks>
/// An empty value counts as unset (the Python gateway rejected an empty number and read an empty
/// <c>BEARER_TOKEN</c> as "no token"; both now mean "use the default").
/// <c>VLLM_UPSTREAM_URL</c> and <c>TOOL_CALL_PARSER</c> describe <c>Gateway:Models:0</c>, and only when no
/// lower-precedence source (appsettings.json, the <c>GATEWAY_CONFIG_FILE</c> file) defines models; otherwise
/// they are ignored. That model gets no id here: <see cref="GatewayConfiguration.Bind"/> gives a lone model
/// without an id the final <c>Gateway:DefaultModelId</c> (<c>DEFAULT_MODEL_ID</c>, default <c>selfhost-qwen</c>).
/// </remarks>
internal static class LegacyEnvironmentVariables
{
    public const string ConfigFile = "GATEWAY_CONFIG_FILE";
    public const string ServerHost = "SERVER_HOST";
    public const string ServerPort = "SERVER_PORT";
    public const string UpstreamUrl = "VLLM_UPSTREAM_URL";
    public const string RequestTimeout = "VLLM_REQUEST_TIMEOUT_S";
    public const string DefaultModelId = "DEFAULT_MODEL_ID";
    public const string BearerToken = "BEARER_TOKEN";
    public const string RateLimitRpm = "RATE_LIMIT_RPM";
    public const string RateLimitMaxKeys = "RATE_LIMIT_MAX_KEYS";
    public const string RateLimitIdleEvict = "RATE_LIMIT_IDLE_EVICT_S";
    public const string MaxRequestBodyBytes = "MAX_REQUEST_BODY_BYTES";
    public const string CircuitBreakerEnabled = "CIRCUIT_BREAKER_ENABLED";
    public const string CircuitBreakerFailureThreshold = "CIRCUIT_BREAKER_FAILURE_THRESHOLD";
    public const string CircuitBreakerCooldown = "CIRCUIT_BREAKER_COOLDOWN_S";
    public const string LogLevel = "LOG_LEVEL";
    public const string LogFormat = "LOG_FORMAT";
    public const string ToolCallParser = "TOOL_CALL_PARSER";

    /// <summary>Legacy variables that map to one scalar key each.</summary>
    public static IReadOnlyDictionary<string, string> ScalarKeys { get; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ServerHost] = "Gateway:Server:Host",
            [ServerPort] = "Gateway:Server:Port",
            [RequestTimeout] = "Gateway:Upstream:RequestTimeoutSeconds",
            [DefaultModelId] = "Gateway:DefaultModelId",
            [BearerToken] = "Gateway:Auth:BearerToken",
            [RateLimitRpm] = "Gateway:RateLimit:RequestsPerMinute",
            [RateLimitMaxKeys] = "Gateway:RateLimit:MaxKeys",
            [RateLimitIdleEvict] = "Gateway:RateLimit:IdleEvictSeconds",
            [MaxRequestBodyBytes] = "Gateway:Server:MaxRequestBodyBytes",
            [CircuitBreakerEnabled] = "Gateway:CircuitBreaker:Enabled",
            [CircuitBreakerFailureThreshold] = "Gateway:CircuitBreaker:FailureThreshold",
            [CircuitBreakerCooldown] = "Gateway:CircuitBreaker:CooldownSeconds",
            [LogLevel] = "Gateway:LogLevel",
            [LogFormat] = "Gateway:LogFormat",
        };

    /// <summary>Legacy variables that describe the single model <c>Gateway:Models:0</c>.</summary>
    public static IReadOnlyDictionary<string, string> ModelKeys { get; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [UpstreamUrl] = "Gateway:Models:0:Upstreams:0",
            [ToolCallParser] = "Gateway:Models:0:ToolCallParser",
        };

    private static readonly string[] TrueWords = ["1", "on", "t", "true", "y", "yes"];
    private static readonly string[] FalseWords = ["0", "off", "f", "false", "n", "no"];

    /// <summary>pydantic's boolean parsing: 1/0, on/off, t/f, true/false, y/n, yes/no, case-insensitive.</summary>
    public static bool TryParseBoolean(string? value, out bool result)
    {
        var v = value?.Trim() ?? "";
        if (TrueWords.Contains(v, StringComparer.OrdinalIgnoreCase))
        {
            result = true;
            return true;
        }

        result = false;
        return FalseWords.Contains(v, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Maps legacy variables (case-insensitive names) onto <c>Gateway:*</c> keys. Booleans become "true"/"false";
    /// an unparseable boolean is passed through as written so that binding reports it with its name.
    /// </summary>
    /// <param name="variables">Variables by name; looked up case-insensitively.</param>
    /// <param name="defineModel">Whether <c>VLLM_UPSTREAM_URL</c>/<c>TOOL_CALL_PARSER</c> may define <c>Gateway:Models:0</c>.</param>
    /// <returns>The values by key, and for each key the legacy variable it came from.</returns>
    public static (IReadOnlyDictionary<string, string?> Values, IReadOnlyDictionary<string, string> Origins) Map(
        IReadOnlyDictionary<string, string> variables, bool defineModel)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var lookup = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in variables)
        {
            lookup[name] = value;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        void Put(string name, string key)
        {
            if (!lookup.TryGetValue(name, out var raw) || string.IsNullOrWhiteSpace(raw))
            {
                return;
            }

            var value = raw.Trim();
            if (name.Equals(CircuitBreakerEnabled, StringComparison.OrdinalIgnoreCase) && TryParseBoolean(value, out var b))
            {
                value = b ? "true" : "false";
            }

            values[key] = value;
            origins[key] = name;
        }

        foreach (var (name, key) in ScalarKeys)
        {
            Put(name, key);
        }

        var describesModel = Present(lookup, UpstreamUrl) || Present(lookup, ToolCallParser);
        if (defineModel && describesModel)
        {
            foreach (var (name, key) in ModelKeys)
            {
                Put(name, key);
            }

            // VLLM_UPSTREAM_URL may list several replicas of the one model, comma-separated.
            if (values.TryGetValue(ModelKeys[UpstreamUrl], out var urls) && urls?.Contains(',', StringComparison.Ordinal) == true)
            {
                var parts = urls.Split(',', StringSplitOptions.TrimEntries);
                for (var i = 0; i < parts.Length; i++)
                {
                    var key = $"Gateway:Models:0:Upstreams:{i}";
                    values[key] = parts[i];
                    origins[key] = UpstreamUrl;
                }
            }
        }

        return (values, origins);
    }

    private static bool Present(Dictionary<string, string> lookup, string name) =>
        lookup.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v);
}
