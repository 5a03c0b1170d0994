using System.Net.Http.Headers;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Support;

/// <summary>A real gateway (Kestrel on a loopback port) in front of a real simulator, for integration tests.</summary>
internal sealed class RunningGateway : IAsyncDisposable
{
    private RunningGateway(WebApplication app, SimulatorServer? simulator, GatewaySettings settings)
    {
        App = app;
        Simulator = simulator;
        Settings = settings;
        BaseUrl = GatewayApp.BoundAddress(app);
        Client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public SimulatorServer? Simulator { get; }

    public GatewaySettings Settings { get; }

    public Uri BaseUrl { get; }

    public HttpClient Client { get; }

    /// <summary>Starts a simulator serving <paramref name="model"/> (unless <paramref name="upstream"/> is given) and a gateway in front of it.</summary>
    public static async Task<RunningGateway> StartAsync(
        Action<GatewaySettings>? configure = null,
        string model = "test-model",
        SimulatorOptions? simulatorOptions = null,
        string? upstream = null,
        TimeProvider? time = null,
        Serilog.Core.ILogEventSink? logSink = null)
    {
        SimulatorServer? simulator = null;
        if (upstream is null)
        {
            simulator = await SimulatorServer.StartAsync((simulatorOptions ?? new SimulatorOptions()) with { Port = 0, Models = [model] });
            upstream = simulator.BaseUrl.ToString();
        }

        var settings = new GatewaySettings
        {
            Server = new ServerSettings { Host = "127.0.0.1", Port = 0 },
            Upstream = new UpstreamSettings { ProbeIntervalSeconds = 0.2, ProbeTimeoutSeconds = 1, RequestTimeoutSeconds = 30 },
            RateLimit = new RateLimitSettings { RequestsPerMinute = 100_000 },
            Models = [new ModelSettings { Id = model, Upstreams = [upstream] }],
        };
        configure?.Invoke(settings);
        var app = await GatewayApp.CreateAsync(settings, new GatewayAppOptions { ConsoleLogging = false, Time = time, LogSink = logSink });
        await app.StartAsync();
        return new RunningGateway(app, simulator, settings);
    }

    /// <summary>
    /// The gateway as <c>dotnet run --project src/Gateway.Host</c> starts it with nothing configured (the embedded
    /// simulator and its defaults), on a free loopback port; <paramref name="configuration"/> adds settings.
    /// </summary>
    public static async Task<RunningGateway> StartEmbeddedAsync(IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var settings = GatewayConfiguration.BindAndValidate(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        settings.Server.Port = 0; // validation wants a real port; the test wants any free one
        var app = await GatewayApp.CreateAsync(settings, new GatewayAppOptions { ConsoleLogging = false });
        await app.StartAsync();
        return new RunningGateway(app, app.Services.GetService<SimulatorServer>(), settings);
    }

    /// <summary>A gateway whose settings come from <paramref name="source"/> (as the process reads them), with config reload on.</summary>
    public static async Task<RunningGateway> StartFromSourceAsync(GatewaySettingsSource source, SimulatorServer? simulator = null, Serilog.Core.ILogEventSink? logSink = null)
    {
        var loaded = source.Load();
        var app = await GatewayApp.CreateAsync(
            loaded.Settings,
            new GatewayAppOptions { ConsoleLogging = false, Reload = Gateway.Host.Reload.ReloadableConfiguration.From(source, loaded), LogSink = logSink });
        await app.StartAsync();
        return new RunningGateway(app, simulator, loaded.Settings);
    }

    public async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Client.GetAsync(new Uri("/ready", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The gateway did not become ready.");
    }

    public HttpRequestMessage Post(string path, string json, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
    }
}
