using Gateway.Host.Configuration;
using Gateway.Host.Hosting;

try
{
    var settings = GatewayApp.LoadSettings(args);
    await using var app = await GatewayApp.CreateAsync(settings);
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
