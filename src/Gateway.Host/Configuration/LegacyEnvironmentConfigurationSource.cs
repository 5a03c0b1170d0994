using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Configuration;

/// <summary>
/// The legacy variables already mapped onto <c>Gateway:*</c> keys. A source of its own (not an in-memory one)
/// so that <see cref="GatewayConfiguration.Bind"/> can tell which keys got their value from a legacy variable
/// and name that variable in messages.
/// </summary>
internal sealed class LegacyEnvironmentConfigurationSource(
    IReadOnlyDictionary<string, string?> values,
    IReadOnlyDictionary<string, string> origins) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new LegacyEnvironmentConfigurationProvider(values, origins);
}

/// <summary>Serves <see cref="LegacyEnvironmentConfigurationSource"/>'s values and remembers their origins.</summary>
internal sealed class LegacyEnvironmentConfigurationProvider : ConfigurationProvider
{
    public LegacyEnvironmentConfigurationProvider(
        IReadOnlyDictionary<string, string?> values,
        IReadOnlyDictionary<string, string> origins)
    {
        Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        Origins = origins;
    }

    /// <summary>Gateway:* key → legacy variable name.</summary>
    public IReadOnlyDictionary<string, string> Origins { get; }
}
