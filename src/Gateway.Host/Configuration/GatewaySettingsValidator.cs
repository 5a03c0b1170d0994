using System.Globalization;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Host.Configuration;

/// <summary>
/// Start-up validation of <see cref="GatewaySettings"/>: one line per problem, each naming the key
/// (<c>SERVER_PORT (Gateway:Server:Port) must be between 1 and 65535, got 70000.</c>). An empty list means valid.
/// </summary>
internal static class GatewaySettingsValidator
{
    /// <summary>
    /// Longest accepted duration, in seconds: about 24.8 days, the most a <c>CancellationTokenSource</c> or
    /// <c>Task.Delay</c> accepts, so a huge value fails here rather than on the first request.
    /// </summary>
    public const double MaxSeconds = int.MaxValue / 1000;

    /// <summary>Every problem found, in a stable order; empty when the settings are usable.</summary>
    public static IReadOnlyList<string> Validate(GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        string Key(string key) => settings.DescribeKey(key);

        ValidateServer(settings, problems, Key);
        ValidateAuth(settings, problems, Key);

        Positive(problems, Key("Gateway:RateLimit:RequestsPerMinute"), settings.RateLimit.RequestsPerMinute);
        Positive(problems, Key("Gateway:RateLimit:MaxKeys"), settings.RateLimit.MaxKeys);
        NotNegative(problems, Key("Gateway:RateLimit:TokensPerMinute"), settings.RateLimit.TokensPerMinute);
        NotNegative(problems, Key("Gateway:RateLimit:MaxConcurrent"), settings.RateLimit.MaxConcurrent);
        Seconds(problems, Key("Gateway:RateLimit:IdleEvictSeconds"), settings.RateLimit.IdleEvictSeconds);

        Positive(problems, Key("Gateway:CircuitBreaker:FailureThreshold"), settings.CircuitBreaker.FailureThreshold);
        Seconds(problems, Key("Gateway:CircuitBreaker:CooldownSeconds"), settings.CircuitBreaker.CooldownSeconds);
        Seconds(problems, Key("Gateway:CircuitBreaker:MaxEjectionSeconds"), settings.CircuitBreaker.MaxEjectionSeconds);

        Seconds(problems, Key("Gateway:Upstream:RequestTimeoutSeconds"), settings.Upstream.RequestTimeoutSeconds);
        Seconds(problems, Key("Gateway:Upstream:ProbeIntervalSeconds"), settings.Upstream.ProbeIntervalSeconds);
        Seconds(problems, Key("Gateway:Upstream:ProbeTimeoutSeconds"), settings.Upstream.ProbeTimeoutSeconds);
        Positive(problems, Key("Gateway:Upstream:MaxResponseBodyBytes"), settings.Upstream.MaxResponseBodyBytes);
        Seconds(problems, Key("Gateway:Upstream:MetricsIntervalSeconds"), settings.Upstream.MetricsIntervalSeconds);
        Seconds(problems, Key("Gateway:Upstream:ConnectTimeoutSeconds"), settings.Upstream.ConnectTimeoutSeconds);
        Seconds(problems, Key("Gateway:Upstream:QueueTimeoutSeconds"), settings.Upstream.QueueTimeoutSeconds);
        Seconds(problems, Key("Gateway:Upstream:TtftTimeoutSeconds"), settings.Upstream.TtftTimeoutSeconds);
        Seconds(problems, Key("Gateway:Upstream:IdleTimeoutSeconds"), settings.Upstream.IdleTimeoutSeconds);
        if (settings.Upstream.MaxRetries is < 0 or > 5)
        {
            problems.Add(Invariant($"{Key("Gateway:Upstream:MaxRetries")} must be between 0 and 5, got {settings.Upstream.MaxRetries}."));
        }

        if (!double.IsFinite(settings.Upstream.RetryBudgetPercent) || settings.Upstream.RetryBudgetPercent is < 0 or > 100)
        {
            problems.Add(Invariant($"{Key("Gateway:Upstream:RetryBudgetPercent")} must be between 0 and 100, got {settings.Upstream.RetryBudgetPercent}."));
        }

        if (!GatewayLogLevel.TryParse(settings.LogLevel, out _))
        {
            problems.Add($"{Key("Gateway:LogLevel")} must be one of {string.Join(", ", GatewayLogLevel.Names)} (any case), got '{settings.LogLevel}'.");
        }

        if (!settings.LogFormat.Equals("text", StringComparison.OrdinalIgnoreCase) && !settings.JsonLogs)
        {
            problems.Add($"{Key("Gateway:LogFormat")} must be 'text' or 'json' (any case), got '{settings.LogFormat}'.");
        }

        if (settings.Metrics.Port is < 0 or > 65535)
        {
            problems.Add($"{Key("Gateway:Metrics:Port")} must be 0 (serve /metrics on the gateway's port) or between 1 and 65535, got {settings.Metrics.Port.ToString(CultureInfo.InvariantCulture)}.");
        }
        else if (settings.Metrics.Port != 0 && settings.Metrics.Port == settings.Server.Port)
        {
            problems.Add($"{Key("Gateway:Metrics:Port")} must differ from {Key("Gateway:Server:Port")} ({settings.Server.Port.ToString(CultureInfo.InvariantCulture)}); use 0 to serve /metrics on the gateway's port.");
        }

        ValidateModels(settings, problems, Key);
        return problems;
    }

    private static void ValidateServer(GatewaySettings settings, List<string> problems, Func<string, string> key)
    {
        var server = settings.Server;
        if (string.IsNullOrWhiteSpace(server.Host))
        {
            problems.Add($"{key("Gateway:Server:Host")} must not be empty.");
        }
        else if (!server.IsLoopback && settings.AuthDisabled)
        {
            problems.Add(
                $"{key("Gateway:Server:Host")} is '{server.Host}', which is not a loopback address, but neither " +
                $"{key("Gateway:Auth:BearerToken")} nor Gateway:Auth:Keys is set; refusing to expose an unauthenticated " +
                "gateway. Set BEARER_TOKEN or configure keys, or bind to 127.0.0.1.");
        }

        if (server.Port is < 1 or > 65535)
        {
            problems.Add(Invariant($"{key("Gateway:Server:Port")} must be between 1 and 65535, got {server.Port}."));
        }

        if (server.MaxRequestBodyBytes <= 0)
        {
            problems.Add(Invariant($"{key("Gateway:Server:MaxRequestBodyBytes")} must be greater than 0, got {server.MaxRequestBodyBytes}."));
        }

        if (!double.IsFinite(server.DrainTimeoutSeconds) || server.DrainTimeoutSeconds < 0 || server.DrainTimeoutSeconds > MaxSeconds)
        {
            problems.Add(Invariant($"{key("Gateway:Server:DrainTimeoutSeconds")} must be between 0 and {MaxSeconds} seconds, got {server.DrainTimeoutSeconds}."));
        }

        ZeroOrMoreSeconds(problems, key("Gateway:Server:DrainDelaySeconds"), server.DrainDelaySeconds);
        ValidateClientLimits(server.Limits, problems, key);
    }

    private static void ValidateClientLimits(ClientLimitsSettings limits, List<string> problems, Func<string, string> key)
    {
        const string Prefix = "Gateway:Server:Limits:";
        Between(problems, key(Prefix + "MaxRequestHeadersTotalBytes"), limits.MaxRequestHeadersTotalBytes, 1024, 1024 * 1024);
        Between(problems, key(Prefix + "MaxRequestHeaderCount"), limits.MaxRequestHeaderCount, 8, 10_000);
        Between(problems, key(Prefix + "MaxRequestTargetBytes"), limits.MaxRequestTargetBytes, 256, 1024 * 1024);
        Seconds(problems, key(Prefix + "RequestHeadersTimeoutSeconds"), limits.RequestHeadersTimeoutSeconds);
        if (!double.IsFinite(limits.MinRequestBodyBytesPerSecond) || limits.MinRequestBodyBytesPerSecond < 0)
        {
            problems.Add(Invariant($"{key(Prefix + "MinRequestBodyBytesPerSecond")} must be 0 (no minimum) or more, got {limits.MinRequestBodyBytesPerSecond}."));
        }

        if (!double.IsFinite(limits.MinRequestBodyGraceSeconds) || limits.MinRequestBodyGraceSeconds <= 1 || limits.MinRequestBodyGraceSeconds > MaxSeconds)
        {
            // Kestrel checks rates once a second, so it refuses a grace period of a second or less.
            problems.Add(Invariant($"{key(Prefix + "MinRequestBodyGraceSeconds")} must be greater than 1 and at most {MaxSeconds} seconds, got {limits.MinRequestBodyGraceSeconds}."));
        }
        Positive(problems, key(Prefix + "MaxConcurrentConnections"), limits.MaxConcurrentConnections);
        if (limits.MaxConcurrentUpgradedConnections < 0)
        {
            problems.Add(Invariant($"{key(Prefix + "MaxConcurrentUpgradedConnections")} must be 0 or more, got {limits.MaxConcurrentUpgradedConnections}."));
        }

        Seconds(problems, key(Prefix + "KeepAliveTimeoutSeconds"), limits.KeepAliveTimeoutSeconds);
    }

    private static void ValidateAuth(GatewaySettings settings, List<string> problems, Func<string, string> key)
    {
        var token = settings.Auth.BearerToken;
        if (!string.IsNullOrEmpty(token) && token.Any(char.IsWhiteSpace))
        {
            problems.Add($"{key("Gateway:Auth:BearerToken")} must not contain whitespace.");
        }

        var modelIds = settings.Models.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(token))
        {
            names.Add("default"); // BEARER_TOKEN's key
        }

        for (var i = 0; i < settings.Auth.Keys.Count; i++)
        {
            var apiKey = settings.Auth.Keys[i];
            var path = Invariant($"Gateway:Auth:Keys:{i}");
            var hasKey = !string.IsNullOrWhiteSpace(apiKey.Key);
            var hasDigest = !string.IsNullOrWhiteSpace(apiKey.KeySha256);
            if (hasKey && hasDigest)
            {
                problems.Add($"{key(path + ":Key")} and {key(path + ":KeySha256")} are both set; give the secret one way only.");
            }
            else if (!hasKey && !hasDigest)
            {
                problems.Add($"{key(path + ":Key")} must not be empty (or give {key(path + ":KeySha256")}).");
            }
            else if (hasKey && apiKey.Key.Any(char.IsWhiteSpace))
            {
                problems.Add($"{key(path + ":Key")} must not contain whitespace.");
            }
            else if (hasDigest && !IsSha256Hex(apiKey.KeySha256))
            {
                problems.Add($"{key(path + ":KeySha256")} must be a SHA-256 digest: 64 hexadecimal digits.");
            }
            else
            {
                var digest = hasKey ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(apiKey.Key))) : apiKey.KeySha256.ToUpperInvariant();
                if (!seen.TryAdd(digest, i))
                {
                    problems.Add(Invariant($"{key(path + (hasKey ? ":Key" : ":KeySha256"))} repeats the key of Gateway:Auth:Keys:{seen[digest]}; keys must be unique."));
                }
            }

            if (!string.IsNullOrEmpty(apiKey.Name) && !names.Add(apiKey.Name))
            {
                problems.Add($"{key(path + ":Name")} '{apiKey.Name}' is used by another key; names must be unique (limits and usage are kept by name).");
            }

            NotNegative(problems, key(path + ":RequestsPerMinute"), apiKey.RequestsPerMinute ?? 0);
            NotNegative(problems, key(path + ":TokensPerMinute"), apiKey.TokensPerMinute ?? 0);
            NotNegative(problems, key(path + ":MaxConcurrent"), apiKey.MaxConcurrent ?? 0);
            if (!(apiKey.Priority > 0 && apiKey.Priority <= 1000))
            {
                problems.Add(Invariant($"{key(path + ":Priority")} must be greater than 0 and at most 1000, got {apiKey.Priority}."));
            }

            for (var j = 0; j < apiKey.AllowedModels.Count; j++)
            {
                var model = apiKey.AllowedModels[j];
                if (!modelIds.Contains(model))
                {
                    problems.Add(Invariant($"{key($"{path}:AllowedModels:{j}")} names model '{model}', which is not configured (configured: {string.Join(", ", modelIds)})."));
                }
            }
        }
    }

    private static void ValidateModels(GatewaySettings settings, List<string> problems, Func<string, string> key)
    {
        var simulated = settings.Simulated;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Models.Count; i++)
        {
            var model = settings.Models[i];
            var path = Invariant($"Gateway:Models:{i}");

            if (string.IsNullOrWhiteSpace(model.Id))
            {
                problems.Add($"{key(path + ":Id")} must not be empty.");
            }
            else if (!ids.TryAdd(model.Id, i))
            {
                problems.Add(Invariant($"{key(path + ":Id")} '{model.Id}' duplicates Gateway:Models:{ids[model.Id]}:Id; model ids must be unique."));
            }

            if (!ToolCallParserRegistry.IsConfigurable(model.ToolCallParser))
            {
                problems.Add($"{key(path + ":ToolCallParser")} must be one of {string.Join(", ", ToolCallParserRegistry.ConfigurableNames)}, got '{model.ToolCallParser}'.");
            }

            if (model.MaxInFlight <= 0)
            {
                problems.Add(Invariant($"{key(path + ":MaxInFlight")} must be greater than 0, got {model.MaxInFlight}."));
            }

            if (model.MaxQueue < 0)
            {
                problems.Add(Invariant($"{key(path + ":MaxQueue")} must be 0 or more, got {model.MaxQueue}."));
            }

            if (model.MaxQueuePerKey < 0)
            {
                problems.Add(Invariant($"{key(path + ":MaxQueuePerKey")} must be 0 or more, got {model.MaxQueuePerKey}."));
            }

            if (model.MaxModelLen <= 0)
            {
                problems.Add(Invariant($"{key(path + ":MaxModelLen")} must be greater than 0, got {model.MaxModelLen}."));
            }

            if (!simulated && model.Upstreams.Count == 0)
            {
                problems.Add(
                    $"{key(path + ":Upstreams")} is empty while other models have upstreams; give every model at least " +
                    "one upstream URL, or none at all to run the embedded simulator.");
            }

            for (var j = 0; j < model.UpstreamWeights.Count; j++)
            {
                var weight = model.UpstreamWeights[j];
                if (!double.IsFinite(weight) || weight <= 0 || weight > 1000)
                {
                    problems.Add(Invariant($"{key(Invariant($"{path}:UpstreamWeights:{j}"))} (the weight of upstream {j}) must be greater than 0 and at most 1000, got {weight}."));
                }
                else if (j >= model.Upstreams.Count)
                {
                    problems.Add(Invariant($"{key(Invariant($"{path}:UpstreamWeights:{j}"))} weighs upstream {j}, which does not exist."));
                }
            }

            var urls = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var j = 0; j < model.Upstreams.Count; j++)
            {
                var urlKey = key(Invariant($"{path}:Upstreams:{j}"));
                var url = model.Upstreams[j];
                var problem = UpstreamUrlValidator.Validate(urlKey, url);
                if (problem is not null)
                {
                    problems.Add(problem);
                }
                else if (!urls.Add(UpstreamUrlValidator.NormalizeBaseUrl(url)))
                {
                    problems.Add($"{urlKey} lists '{url}' twice for model '{model.Id}'.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(settings.DefaultModelId))
        {
            problems.Add($"{key("Gateway:DefaultModelId")} must not be empty.");
        }
        else if (settings.Models.Count > 0 && !ids.ContainsKey(settings.DefaultModelId))
        {
            problems.Add($"{key("Gateway:DefaultModelId")} is '{settings.DefaultModelId}', which is not a configured model id (configured: {string.Join(", ", ids.Keys)}).");
        }
    }

    private static void NotNegative(List<string> problems, string key, long value)
    {
        if (value < 0)
        {
            problems.Add(Invariant($"{key} must be 0 (unlimited) or more, got {value}."));
        }
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static void Positive(List<string> problems, string key, long value)
    {
        if (value <= 0)
        {
            problems.Add(Invariant($"{key} must be greater than 0, got {value}."));
        }
    }

    private static void ZeroOrMoreSeconds(List<string> problems, string key, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > MaxSeconds)
        {
            problems.Add(Invariant($"{key} must be between 0 and {MaxSeconds} seconds, got {value}."));
        }
    }

    private static void Between(List<string> problems, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            problems.Add(Invariant($"{key} must be between {min} and {max}, got {value}."));
        }
    }

    private static void Seconds(List<string> problems, string key, double value)
    {
        if (!double.IsFinite(value) || value <= 0 || value > MaxSeconds)
        {
            problems.Add(Invariant($"{key} must be greater than 0 and at most {MaxSeconds} seconds, got {value}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
