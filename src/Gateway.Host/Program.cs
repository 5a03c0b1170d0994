using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Reload;

try
{
    var source = GatewaySettingsSource.FromProcess(args);
    var loaded = source.Load();
    await using var app = await GatewayApp.CreateAsync(loaded.Settings, new GatewayAppOptions { Reload = ReloadableConfiguration.From(source, loaded) });
    await app.RunAsync();
    return 0;
}
catch (ConfigurationException e)
{
    foreach (var problem in e.Problems)
    {
        await Console.Error.WriteLineAsync($"gateway: configuration error: {problem}");
    }

    return 1;
}
