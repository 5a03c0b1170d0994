using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Support;

/// <summary>
/// A gateway in front of two replicas of <c>test-model</c>: replica 0 never answers in time (30 s to first token),
/// replica 1 is healthy but reports one request waiting in vLLM's queue, so every first attempt goes to replica 0,
/// trips the TTFT timeout and is retried on replica 1. Started once the gateway has polled replica 1's <c>/metrics</c>.
/// </summary>
internal sealed class HangingAndHealthyReplicas : IAsyncDisposable
{
    private HangingAndHealthyReplicas(SimulatorServer hanging, SimulatorServer healthy, RunningGateway gateway)
    {
        Hanging = hanging;
        Healthy = healthy;
        Gateway = gateway;
    }

    public SimulatorServer Hanging { get; }

    public SimulatorServer Healthy { get; }

    public RunningGateway Gateway { get; }

    public static async Task<HangingAndHealthyReplicas> StartAsync(double ttftTimeoutSeconds)
    {
        var hanging = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"], TtftMs = 30_000 });
        var healthy = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"] });
        var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Models[0].Upstreams = [hanging.BaseUrl.ToString(), healthy.BaseUrl.ToString()];
                s.Upstream.TtftTimeoutSeconds = ttftTimeoutSeconds;
                s.Upstream.MetricsIntervalSeconds = 0.1;
            },
            upstream: hanging.BaseUrl.ToString());
        var pair = new HangingAndHealthyReplicas(hanging, healthy, gateway);
        await gateway.WaitUntilReadyAsync();

        using (var admin = new HttpClient())
        {
            using var load = await admin.PostAsync(new Uri(healthy.BaseUrl, "/sim/load"), JsonContent.Create(new { waiting = 1 }));
        }

        await Eventually.TrueAsync(
            async () =>
            {
                var actors = await gateway.Client.GetFromJsonAsync<JsonElement>(new Uri("/health/actors", UriKind.Relative));
                return actors.GetProperty("models")[0].GetProperty("replicas")[1].GetProperty("load") is { ValueKind: JsonValueKind.Object } l
                    && l.GetProperty("waiting").GetDouble() >= 1;
            },
            "the gateway polled the healthy replica's /metrics");
        return pair;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Healthy.DisposeAsync();
        await Hanging.DisposeAsync();
    }
}
