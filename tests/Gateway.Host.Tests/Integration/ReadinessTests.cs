using System.Net;
using System.Text.Json;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Integration;

public sealed class ReadinessTests
{
    [Fact]
    public async Task With_the_upstream_down_requests_get_502_and_ready_is_503_until_it_comes_up()
    {
        var port = Loopback.FreePort();
        await using var gateway = await RunningGateway.StartAsync(upstream: $"http://127.0.0.1:{port}");

        using (var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""")))
        {
            var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
            Assert.StartsWith("vLLM upstream not reachable: ConnectionError", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(() => ProbedAsync(gateway), "the router probed the replica");
        using (var ready = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            using var doc = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Equal("unready", doc.RootElement.GetProperty("status").GetString());
            var model = doc.RootElement.GetProperty("models").GetProperty("test-model");
            Assert.False(model.GetProperty("ready").GetBoolean());
            Assert.Contains("not reachable", model.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = port, Models = ["test-model"] });
        await gateway.WaitUntilReadyAsync();
        using var ok = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_replica_that_does_not_serve_the_model_is_not_ready()
    {
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["another-model"] });
        await using var gateway = await RunningGateway.StartAsync(upstream: simulator.BaseUrl.ToString());
        await Eventually.TrueAsync(() => ProbedAsync(gateway), "the router probed the replica");

        using var ready = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("does not serve model 'test-model'", body, StringComparison.Ordinal);
    }

    /// <summary>The readiness report carries a probe result (not the "not probed yet" placeholder).</summary>
    private static async Task<bool> ProbedAsync(RunningGateway gateway)
    {
        using var ready = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));
        var body = await ready.Content.ReadAsStringAsync();
        return !body.Contains("not probed yet", StringComparison.Ordinal);
    }
}
