using Gateway.Host.Configuration;

namespace Gateway.Host.Reload;

/// <summary>
/// What a config reload needs from start-up: the sources to read again, and the raw values the running gateway was
/// started with (settings that cannot change live are compared against these).
/// </summary>
internal sealed record ReloadableConfiguration(GatewaySettingsSource Source, IReadOnlyDictionary<string, string?> StartupValues)
{
    public static ReloadableConfiguration From(GatewaySettingsSource source, LoadedSettings startup) => new(source, startup.Values);
}
