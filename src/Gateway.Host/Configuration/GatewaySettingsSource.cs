using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Configuration;

/// <summary>
/// Where the settings come from (environment, working directory, command line), kept so that a config reload reads
/// them again exactly as start-up did: same sources, same binding, same validation.
/// </summary>
/// <param name="Environment">Environment variables; null reads the process environment on every load (tests pass a dictionary).</param>
/// <param name="WorkingDirectory">Where appsettings.json and .env are looked for; null is the current directory.</param>
/// <param name="Args">Command-line arguments.</param>
internal sealed record GatewaySettingsSource(IDictionary<string, string?>? Environment, string? WorkingDirectory, string[] Args)
{
    public static GatewaySettingsSource FromProcess(string[] args) => new(null, null, args);

    /// <summary>The file <c>GATEWAY_CONFIG_FILE</c> names, if any (what the reload watches).</summary>
    public string? ConfigFile => GatewayConfiguration.ConfigFilePath(Environment, WorkingDirectory);

    /// <summary>Reads, binds and validates every source.</summary>
    /// <exception cref="ConfigurationException">One line per problem, each naming the key.</exception>
    public LoadedSettings Load()
    {
        using var configuration = new ConfigurationManager();
        GatewayConfiguration.AddGatewaySources(configuration, Environment, WorkingDirectory, Args);
        var settings = GatewayConfiguration.BindAndValidate(configuration);
        var values = configuration.GetSection(GatewayConfiguration.SectionName).AsEnumerable()
            .Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.OrdinalIgnoreCase);
        return new LoadedSettings(settings, values);
    }
}
