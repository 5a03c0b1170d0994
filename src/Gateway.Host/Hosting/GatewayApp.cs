using Gateway.Host.Configuration;
using Gateway.Host.Endpoints;
using Gateway.Host.Health;
using Gateway.Host.Http;
using Gateway.Simulator;
using Gateway.Streams.Proxy;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serilog;
using Serilog.Events;

namespace Gateway.Host.Hosting;

/// <summary>Options for building the app that are not user configuration (tests turn the console log off).</summary>
public sealed record GatewayAppOptions
{
    public bool ConsoleLogging { get; init; } = true;

    /// <summary>The clock for everything that reads time or waits; tests pass a fake one. Default: the system clock.</summary>
    public TimeProvider? Time { get; init; }
}

/// <summary>Builds the gateway's web application from validated settings: Kestrel, middleware, routes, actors.</summary>
public static class GatewayApp
{
    /// <summary>Reads the standard configuration sources plus the Python gateway's variables, binds and validates them.</summary>
    /// <exception cref="ConfigurationException">One line per problem, each naming the key.</exception>
    public static GatewaySettings LoadSettings(string[] args)
    {
        var configuration = new ConfigurationManager();
        GatewayConfiguration.AddGatewaySources(configuration, args: args);
        return GatewayConfiguration.BindAndValidate(configuration);
    }

    public static async Task<WebApplication> CreateAsync(GatewaySettings settings, GatewayAppOptions? options = null)
    {
        options ??= new GatewayAppOptions();
        var simulator = settings.Simulated ? await StartSimulatorAsync(settings) : null;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Host.UseDefaultServiceProvider(o => o.ValidateScopes = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Server.DrainTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body cap is enforced by the proxy endpoint with a JSON 413; Kestrel's own limit is a backstop.
            kestrel.Limits.MaxRequestBodySize = settings.Server.MaxRequestBodyBytes + (64 * 1024);
        });
        builder.WebHost.UseUrls(ListenUrl(settings.Server));
        ConfigureLogging(builder, settings, options);

        builder.Services.TryAddSingleton(options.Time ?? TimeProvider.System);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(sp => new GatewayRuntime(sp.GetRequiredService<GatewaySettings>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().Models);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().Authenticator);
        builder.Services.AddSingleton<GatewayStreams>();
        builder.Services.AddSingleton<ProxyEndpoint>();
        builder.Services.AddSingleton<ModelsEndpoint>();
        builder.Services.AddHostedService<ToolCallFailureLog>();
        if (simulator is not null)
        {
            builder.Services.AddSingleton(simulator);
        }

        builder.Services.AddGatewayActors(AkkaLogLevel(settings.SerilogMinimumLevel));

        var app = builder.Build();
        MapRoutes(app);
        LogStartup(app, settings, simulator);
        return app;
    }

    /// <summary>The address Kestrel actually bound (useful with port 0).</summary>
    public static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First());
    }

    private static void MapRoutes(WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler(errors => errors.Run(context => ErrorResponses.WriteAsync(
            context,
            GatewayError.InternalError())));
        app.UseMiddleware<BearerAuthMiddleware>();

        var proxy = app.Services.GetRequiredService<ProxyEndpoint>();
        foreach (var route in ProxyRoute.All)
        {
            app.MapPost(route.Path, (HttpContext context) => proxy.HandleAsync(context, route));
        }

        var models = app.Services.GetRequiredService<ModelsEndpoint>();
        app.MapGet("/v1/models", models.ListAsync);
        app.MapGet("/v1/models/{**id}", (HttpContext context, string id) => models.GetAsync(context, id));

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(AkkaSetup.LivenessTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(AkkaSetup.ReadinessTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapInspection();

        var postPaths = ProxyRoute.All.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        app.MapFallback(context =>
        {
            var path = context.Request.Path.Value ?? "";
            if (postPaths.Contains(path))
            {
                context.Response.Headers.Allow = "POST";
                return ErrorResponses.WriteAsync(context, GatewayError.MethodNotAllowed(context.Request.Method, path));
            }

            return ErrorResponses.WriteAsync(context, GatewayError.RouteNotFound(context.Request.Method, path));
        });
    }

    private static async Task<SimulatorServer> StartSimulatorAsync(GatewaySettings settings)
    {
        var names = settings.Models.Select(m => string.IsNullOrEmpty(m.UpstreamModel) ? m.Id : m.UpstreamModel).Distinct().ToList();
        var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Host = "127.0.0.1", Port = 0, Models = names, ItlMs = 5 });
        foreach (var model in settings.Models)
        {
            model.Upstreams.Add(simulator.BaseUrl.ToString());
        }

        return simulator;
    }

    private static string ListenUrl(ServerSettings server)
    {
        var host = server.Host.Contains(':', StringComparison.Ordinal) && !server.Host.StartsWith('[') ? $"[{server.Host}]" : server.Host;
        return $"http://{host}:{server.Port}";
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, GatewaySettings settings, GatewayAppOptions options)
    {
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(logger =>
        {
            logger.MinimumLevel.Is(settings.SerilogMinimumLevel)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Warning)
                .Enrich.FromLogContext();
            if (options.ConsoleLogging)
            {
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}");
            }
        });
    }

    private static Akka.Event.LogLevel AkkaLogLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        LogEventLevel.Information => Akka.Event.LogLevel.InfoLevel,
        LogEventLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };

    private static void LogStartup(WebApplication app, GatewaySettings settings, SimulatorServer? simulator)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway");
        if (simulator is not null)
        {
            log.LogWarning(
                "SIMULATED UPSTREAM: no VLLM_UPSTREAM_URL or models configured, so model(s) {Models} are served by the embedded vLLM simulator at {SimulatorUrl}. Answers are synthetic. Set VLLM_UPSTREAM_URL to use a real vLLM.",
                string.Join(", ", settings.Models.Select(m => m.Id)),
                simulator.BaseUrl);
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
