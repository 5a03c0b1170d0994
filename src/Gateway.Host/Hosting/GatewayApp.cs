using Gateway.Host.Configuration;
using Gateway.Host.Endpoints;
using Gateway.Host.Reload;
using Gateway.Host.Http;
using Gateway.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Host.Hosting;

/// <summary>Options for building the app that are not user configuration (tests turn the console log off).</summary>
internal sealed record GatewayAppOptions
{
    public bool ConsoleLogging { get; init; } = true;

    /// <summary>The clock for everything that reads time or waits; tests pass a fake one. Default: the system clock.</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Where the settings were read from, so they can be reloaded; null turns config reload off (settings built in code).</summary>
    public ReloadableConfiguration? Reload { get; init; }

    /// <summary>An extra Serilog sink for every log event (tests and the soak harness read the access log from it), behind the same redaction as the console.</summary>
    public Serilog.Core.ILogEventSink? LogSink { get; init; }
}

/// <summary>Builds the gateway's web application from validated settings: Kestrel, middleware, routes, actors.</summary>
internal static class GatewayApp
{
    /// <summary>Reads the standard configuration sources plus the Python gateway's variables, binds and validates them.</summary>
    /// <exception cref="ConfigurationException">One line per problem, each naming the key.</exception>
    public static GatewaySettings LoadSettings(string[] args) => GatewaySettingsSource.FromProcess(args).Load().Settings;

    public static async Task<WebApplication> CreateAsync(GatewaySettings settings, GatewayAppOptions? options = null)
    {
        options ??= new GatewayAppOptions();
        var simulator = await settings.StartEmbeddedSimulatorAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Host.UseDefaultServiceProvider(o => o.ValidateScopes = true);
        builder.ConfigureGatewayKestrel(settings).AddGatewayLogging(settings, options).AddGatewayObservability();

        var services = builder.Services;
        services.TryAddSingleton(options.Time ?? TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(sp => new GatewayRuntime(sp.GetRequiredService<GatewaySettings>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().Models);
        services.AddGatewayAuth();
        services.AddGatewayDrain();
        services.AddSingleton<GatewayStreams>();
        services.AddSingleton<RequestActivity>();
        services.AddSingleton<ProxyEndpoint>();
        services.AddSingleton<ModelsEndpoint>();
        services.AddSingleton<UsageEndpoint>();
        services.AddHostedService<ToolCallFailureLog>();
        services.AddEmbeddedSimulator(simulator);
        services.AddGatewayConfigReload(options.Reload);
        services.AddGatewayActors(LoggingHostingExtensions.AkkaLogLevel(settings.SerilogMinimumLevel));

        var app = builder.Build();
        app.MapGatewayRoutes();
        LogStartup(app, settings, simulator);
        return app;
    }

    /// <summary>The address Kestrel actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    private static void LogStartup(WebApplication app, GatewaySettings settings, SimulatorServer? simulator)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway");
        if (simulator is not null)
        {
            log.LogWarning(
                "SIMULATED UPSTREAM: no VLLM_UPSTREAM_URL or models configured, so model(s) {Models} are served by the embedded vLLM simulator at {SimulatorUrl}. Answers are synthetic; tool calls are written as {ToolMarkup} markup and parsed by the gateway. Set VLLM_UPSTREAM_URL to use a real vLLM.",
                string.Join(", ", settings.Models.Select(m => m.Id)),
                simulator.BaseUrl,
                simulator.Options.ToolMarkup);
        }

        if (settings.AuthDisabled)
        {
            log.LogWarning("AUTH DISABLED: no BEARER_TOKEN or API keys configured; every caller on {Host} is let in (allowed on loopback only).", settings.Server.Host);
        }

        foreach (var route in app.Services.GetRequiredService<GatewayRuntime>().Routes)
        {
            var parser = string.Equals(route.ToolCallParser, route.EffectiveToolCallParser, StringComparison.OrdinalIgnoreCase)
                ? route.ToolCallParser
                : $"{route.ToolCallParser} -> {route.EffectiveToolCallParser}";
            log.LogInformation(
                "Model {Model} -> {UpstreamModel} at {Upstreams} (tool-call parser {Parser}{UpstreamParses})",
                route.ModelId,
                route.UpstreamModel,
                string.Join(", ", route.Endpoints.Select(e => e.Label)),
                parser,
                route.UpstreamParsesTools ? "; vLLM parses tool calls" : "");
        }
    }
}
