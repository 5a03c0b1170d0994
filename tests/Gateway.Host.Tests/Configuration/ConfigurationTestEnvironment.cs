using Gateway.Host.Configuration;
using Microsoft.Extensions.Configuration;

namespace Gateway.Host.Tests.Configuration;

/// <summary>An empty temporary working directory, plus helpers to load settings from a given environment.</summary>
internal sealed class ConfigurationTestEnvironment : IDisposable
{
    public ConfigurationTestEnvironment()
    {
        Directory = Path.Combine(Path.GetTempPath(), "gateway-config-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public IConfigurationRoot BuildConfiguration(IDictionary<string, string?>? environment = null, string[]? args = null)
    {
        var builder = new ConfigurationBuilder();
        GatewayConfiguration.AddGatewaySources(builder, environment ?? new Dictionary<string, string?>(), Directory, args);
        return builder.Build();
    }

    public GatewaySettings Bind(IDictionary<string, string?>? environment = null, string[]? args = null) =>
        GatewayConfiguration.Bind(BuildConfiguration(environment, args));

    /// <summary>The validation problems of the settings loaded from <paramref name="environment"/>.</summary>
    public IReadOnlyList<string> Problems(IDictionary<string, string?> environment, string[]? args = null) =>
        GatewaySettingsValidator.Validate(Bind(environment, args));

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static Dictionary<string, string?> Env(params (string Name, string? Value)[] variables) =>
        variables.ToDictionary(v => v.Name, v => v.Value);
}
