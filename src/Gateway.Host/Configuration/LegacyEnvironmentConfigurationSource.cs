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
