using Gateway.Host.Configuration;

namespace Gateway.Host.Reload;

/// <summary>
/// Which settings a reload applies while running (models with their replicas, keys, the circuit breaker, the
/// default model id) and which need a restart (everything else: listen address and port, body limit, timeouts,
/// probing, rate-limit defaults, log level, and any section added later until it is made live here).
/// </summary>
internal static class LiveSettings
{
    /// <summary>Top-level properties of <see cref="GatewaySettings"/> applied live.</summary>
    public static IReadOnlySet<string> Properties { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        nameof(GatewaySettings.Models),
        nameof(GatewaySettings.Auth),
        nameof(GatewaySettings.CircuitBreaker),
        nameof(GatewaySettings.DefaultModelId),
    };

    /// <summary>
    /// The keys (described as in validation messages, never with their values) whose value differs between the
    /// running gateway's start-up values and <paramref name="next"/> and which only a restart applies.
    /// </summary>
    public static IReadOnlyList<string> RestartRequired(IReadOnlyDictionary<string, string?> running, LoadedSettings next)
    {
        var keys = running.Keys.Concat(next.Values.Keys).Distinct(StringComparer.OrdinalIgnoreCase);
        return [.. keys
            .Where(key => !IsLive(key))
            .Where(key => !string.Equals(Value(running, key), Value(next.Values, key), StringComparison.Ordinal))
            .Select(Canonical)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(next.Settings.DescribeKey)];
    }

    /// <summary>Whether <paramref name="key"/> (<c>Gateway:Server:Port</c>) is applied by a reload.</summary>
    public static bool IsLive(string key)
    {
        var parts = key.Split(':');
        return parts.Length >= 2 && Properties.Contains(parts[1]);
    }

    // Keys keep the spelling of their source (a JSON file's camelCase): name them as the settings classes do.
    private static string Canonical(string key) =>
        string.Join(':', key.Split(':').Select(part => part.Length > 0 && char.IsLower(part[0]) ? char.ToUpperInvariant(part[0]) + part[1..] : part));

    private static string? Value(IReadOnlyDictionary<string, string?> values, string key) => values.TryGetValue(key, out var value) ? value : null;
}
