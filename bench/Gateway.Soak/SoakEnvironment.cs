using Akka.Actor;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Simulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Soak;

/// <summary>
/// The system under soak, all in this process: two simulator replicas serving <see cref="CleanModel"/> and
/// <see cref="FaultModel"/>, and a gateway in front of both (Kestrel on loopback, auth on, per-key rate limit).
/// Faults and aborts go to <see cref="FaultModel"/> only, so every token of <see cref="CleanModel"/> is accounted.
/// </summary>
internal sealed class SoakEnvironment : IAsyncDisposable
{
    public const string CleanModel = "soak";
    public const string FaultModel = "soak-faults";
    public const string LimitedKey = "sk-soak-limited";
    public const int NormalKeys = 64;
    public const int RequestsPerMinutePerKey = 600;
    /// <summary>Long enough that a clean request never meets it on a loaded 2-core machine (hangs and stalls have their own worker).</summary>
    public const double RequestTimeoutSeconds = 20;
    public const int MaxRequestBodyBytes = 256 * 1024;

    private SoakEnvironment(WebApplication gateway, SimulatorServer[] replicas, AccessLogSink accessLog)
    {
        Gateway = gateway;
        Replicas = replicas;
        AccessLog = accessLog;
        GatewayUrl = GatewayApp.BoundAddress(gateway);
        ActorSystem = gateway.Services.GetRequiredService<ActorSystem>();
    }

    public WebApplication Gateway { get; }

    public Uri GatewayUrl { get; }

    public IReadOnlyList<SimulatorServer> Replicas { get; }

    public AccessLogSink AccessLog { get; }

    public ActorSystem ActorSystem { get; }

    public static string NormalKey(int i) => $"sk-soak-{i:D2}";

    public static async Task<SoakEnvironment> StartAsync()
    {
        var replicas = new SimulatorServer[2];
        for (var i = 0; i < replicas.Length; i++)
        {
            replicas[i] = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = [CleanModel, FaultModel], MaxNumSeqs = 64 });
        }

        var upstreams = replicas.Select(r => r.BaseUrl.ToString()).ToList();
        var keys = Enumerable.Range(0, NormalKeys).Select(i => new ApiKeySettings { Name = $"soak-{i:D2}", Key = NormalKey(i) }).ToList();
        keys.Add(new ApiKeySettings { Name = "soak-limited", Key = LimitedKey });
        var settings = new GatewaySettings
        {
            Server = new ServerSettings { Host = "127.0.0.1", Port = 0, MaxRequestBodyBytes = MaxRequestBodyBytes },
            Auth = new AuthSettings { Keys = keys },
            RateLimit = new RateLimitSettings { RequestsPerMinute = RequestsPerMinutePerKey },
            Upstream = new UpstreamSettings { RequestTimeoutSeconds = RequestTimeoutSeconds, ProbeIntervalSeconds = 2, ProbeTimeoutSeconds = 1 },
            CircuitBreaker = new CircuitBreakerSettings { FailureThreshold = 5, CooldownSeconds = 5 },
            Models =
            [
                new ModelSettings { Id = CleanModel, Upstreams = upstreams, ToolCallParser = "hermes" },
                new ModelSettings { Id = FaultModel, Upstreams = upstreams },
            ],
            DefaultModelId = CleanModel,
            LogLevel = "INFO",
        };
        var accessLog = new AccessLogSink();
        var gateway = await GatewayApp.CreateAsync(settings, new GatewayAppOptions { ConsoleLogging = false, LogSink = accessLog });
        await gateway.StartAsync();
        return new SoakEnvironment(gateway, replicas, accessLog);
    }

    public async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = GatewayUrl };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri("/ready", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The gateway did not become ready.");
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        foreach (var replica in Replicas)
        {
            await replica.DisposeAsync();
        }
    }
}
