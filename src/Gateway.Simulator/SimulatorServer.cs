using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Simulator;

/// <summary>
/// An in-process stand-in for <c>vllm serve</c>: a minimal Kestrel app speaking vLLM's OpenAI-compatible wire format.
/// Start it with <see cref="StartAsync"/> (port 0 picks a free port) and point clients at <see cref="BaseUrl"/>.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    /// <summary>The log category of Kestrel's "unhandled exception was thrown by the application" messages.</summary>
    private const string KestrelApplicationCategory = "Microsoft.AspNetCore.Server.Kestrel";

    private readonly WebApplication _app;
    private int _stopped;

    private SimulatorServer(WebApplication app, SimulatorState state, Uri baseUrl, int port)
    {
        _app = app;
        Options = state.Options;
        Stats = state.Stats;
        BaseUrl = baseUrl;
        Port = port;
    }

    /// <summary>Root URL a client can connect to, e.g. <c>http://127.0.0.1:41234/</c> (a wildcard host becomes loopback).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The bound TCP port.</summary>
    public int Port { get; }

    /// <summary>The options the server runs with.</summary>
    public SimulatorOptions Options { get; }

    /// <summary>Live counters of generation requests, the same numbers as <c>GET /sim/stats</c>.</summary>
    public SimulatorStats Stats { get; }

    /// <summary>Binds and starts the simulator; returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="IOException">The address is in use.</exception>
    public static async Task<SimulatorServer> StartAsync(SimulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var address = ResolveAddress(options.Host);
        var state = new SimulatorState(options);

        // The empty builder reads no environment variables or appsettings, so ASPNETCORE_URLS and friends of a host
        // process cannot add endpoints or change settings of an embedded simulator.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SimulatorServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // vLLM/uvicorn has no body limit
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds);
            kestrel.Listen(address, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(1));
        // Warnings and up only. Kestrel logs every exception that reaches it as an application error; the only one
        // that can is the deliberate SimulatedStreamAbortException (handlers answer all other failures themselves).
        builder.Logging.AddConsole().AddFilter((category, level) =>
            level >= LogLevel.Warning && (category != KestrelApplicationCategory || level >= LogLevel.Critical));

        var app = builder.Build();
        MapRoutes(app, state);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(bound).Port;
        return new SimulatorServer(app, state, BuildBaseUrl(address, port), port);
    }

    /// <summary>Stops accepting requests; requests still running after about a second are aborted.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static void MapRoutes(WebApplication app, SimulatorState state)
    {
        app.Use((context, next) => VllmRouteMiddleware.InvokeAsync(context, state, next));

        app.MapGet("/health", InfoEndpoints.HealthAsync);
        app.MapMethods("/ping", [HttpMethods.Get, HttpMethods.Post], InfoEndpoints.HealthAsync);
        app.MapGet("/version", InfoEndpoints.VersionAsync);
        app.MapGet("/load", InfoEndpoints.LoadAsync);
        app.MapGet("/metrics", context => MetricsHandler.HandleAsync(context, state));
        app.MapGet("/v1/models", context => ModelsHandler.HandleAsync(context, state));
        app.MapPost("/v1/chat/completions", context => ChatCompletionsHandler.HandleAsync(context, state));
        app.MapPost("/v1/completions", context => CompletionsHandler.HandleAsync(context, state));
        app.MapPost("/v1/responses", context => ResponsesHandler.HandleAsync(context, state));
        app.MapPost("/v1/embeddings", context => EmbeddingsHandler.HandleAsync(context, state));
        app.MapPost("/tokenize", context => TokenizeHandler.TokenizeAsync(context, state));
        app.MapPost("/detokenize", context => TokenizeHandler.DetokenizeAsync(context, state));
        app.MapGet("/sim/stats", context => SimControlEndpoints.StatsAsync(context, state));
        app.MapPost("/sim/reset", context => SimControlEndpoints.ResetAsync(context, state));
        app.MapPost("/sim/load", context => SimControlEndpoints.LoadAsync(context, state));
    }

    private static IPAddress ResolveAddress(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (host == "*")
        {
            return IPAddress.Any;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip)
            ? ip
            : throw new ArgumentException($"host must be an IP address or 'localhost', got '{host}'", nameof(host));
    }

    private static Uri BuildBaseUrl(IPAddress address, int port)
    {
        var connectable = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        var host = connectable.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + connectable + "]"
            : connectable.ToString();
        return new Uri("http://" + host + ":" + port.ToString(CultureInfo.InvariantCulture) + "/");
    }
}
