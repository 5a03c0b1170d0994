using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Configuration;

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
