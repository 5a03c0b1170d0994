using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Host.Tests.Integration;

/// <summary>Issue 8 over real loopback sockets: one client cannot eject a replica, picking follows load, failures are retried.</summary>
public sealed class ReplicaRoutingTests
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";

    private static async Task<JsonElement> ActorsAsync(RunningGateway gateway)
    {
        using var response = await gateway.Client.GetAsync(new Uri("/health/actors", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    private static JsonElement Replica(JsonElement actors, int index) => actors.GetProperty("models")[0].GetProperty("replicas")[index];

    private static async Task<long> RequestsTotalAsync(SimulatorServer simulator)
    {
        using var client = new HttpClient();
        var stats = await client.GetFromJsonAsync<JsonElement>(new Uri(simulator.BaseUrl, "/sim/stats"));
        return stats.GetProperty("requests_total").GetInt64();
    }

    [Fact]
    public async Task A_hundred_request_specific_500s_leave_the_replica_in_service_for_everyone()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await gateway.WaitUntilReadyAsync();
        const string poison = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_status":500}}""";

        var statuses = new List<HttpStatusCode>();
        foreach (var batch in Enumerable.Range(0, 10))
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", poison))));
            statuses.AddRange(responses.Select(r => r.StatusCode));
            Array.ForEach(responses, r => r.Dispose());
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.BadGateway, s));
        using var healthy = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        using var ready = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var replica = Replica(await ActorsAsync(gateway), 0);
        Assert.Equal("Closed", replica.GetProperty("breaker").GetString());
        Assert.True(replica.GetProperty("inService").GetBoolean());
        Assert.Equal(100, replica.GetProperty("requestSpecificFailures").GetInt64());
        Assert.Equal(0, replica.GetProperty("gatewayFailures").GetInt64());
    }

    [Fact]
    public async Task An_invalid_utf8_body_that_slips_past_the_gateway_never_ejects_the_replica()
    {
        // Sent with the dispatcher itself, below the Host's body check (which refuses this body with 400).
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["m"] });
        using var client = UpstreamHttpClient.Create(TimeSpan.FromSeconds(5));
        var dispatcher = new VllmDispatcher(client, TimeSpan.FromSeconds(10));
        var replica = new UpstreamEndpoint(simulator.BaseUrl, new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"XX bad"}]}""");
        var at = body.AsSpan().IndexOf("XX"u8);
        body[at] = 0xC3;
        body[at + 1] = 0x28;

        for (var i = 0; i < 20; i++)
        {
            var request = new ProxyRequest
            {
                ModelId = "m", Path = "/v1/chat/completions", Body = body, UpstreamBody = body, RateLimitKey = "k", RequestId = $"r{i}", Endpoint = replica,
            };
            await dispatcher.DispatchAsync(request);
            var outcome = await request.Outcome;
            if (outcome is ProxyOutcome.Responded responded)
            {
                responded.Response.Dispose();
            }

            Assert.IsType<ProxyOutcome.Rejected>(outcome);
        }

        Assert.Equal(CircuitState.Closed, replica.Breaker.State);
        Assert.True(replica.InService);
        Assert.Equal(0, replica.GatewayFailures);
    }

    [Fact]
    public async Task Requests_avoid_a_replica_whose_vllm_queue_is_deep_and_survive_a_replica_dying()
    {
        await using var busy = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"] });
        await using var idle = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"] });
        await using var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Models[0].Upstreams = [busy.BaseUrl.ToString(), idle.BaseUrl.ToString()];
                s.Upstream.MetricsIntervalSeconds = 0.1;
            },
            upstream: busy.BaseUrl.ToString());
        await gateway.WaitUntilReadyAsync();
        using (var admin = new HttpClient())
        {
            using var load = await admin.PostAsync(new Uri(busy.BaseUrl, "/sim/load"), JsonContent.Create(new { waiting = 50 }));
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        await Eventually.TrueAsync(
            async () => Replica(await ActorsAsync(gateway), 0).GetProperty("load") is { ValueKind: JsonValueKind.Object } l && l.GetProperty("waiting").GetDouble() >= 50,
            "the gateway polled the busy replica's /metrics");
        var busyBefore = await RequestsTotalAsync(busy);
        var idleBefore = await RequestsTotalAsync(idle);
        for (var i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, await RequestsTotalAsync(busy) - busyBefore);
        Assert.Equal(30, await RequestsTotalAsync(idle) - idleBefore);

        // Now the idle replica dies: every new request still succeeds (retried on the other before its first byte).
        using (var admin = new HttpClient())
        {
            using var _ = await admin.PostAsync(new Uri(busy.BaseUrl, "/sim/load"), JsonContent.Create(new { }));
        }

        await idle.StopAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat))));
            statuses.AddRange(responses.Select(r => r.StatusCode));
            Array.ForEach(responses, r => r.Dispose());
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var dead = Replica(await ActorsAsync(gateway), 1);
        Assert.True(dead.GetProperty("gatewayFailures").GetInt64() >= 1);
        Assert.True(Replica(await ActorsAsync(gateway), 0).GetProperty("retries").GetInt64() >= 1);
    }

    [Fact]
    public async Task A_replica_that_hangs_trips_the_ttft_timeout_and_the_retry_lands_on_a_healthy_one()
    {
        await using var replicas = await HangingAndHealthyReplicas.StartAsync(ttftTimeoutSeconds: 2);
        var gateway = replicas.Gateway;
        for (var i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // The timeout made the replica suspect until the probe it asked for answers (it passes: /health is fast).
            await Eventually.TrueAsync(
                async () => !Replica(await ActorsAsync(gateway), 0).GetProperty("suspect").GetBoolean(), "the hanging replica's probe answered");
        }

        await Eventually.TrueAsync(
            async () => Replica(await ActorsAsync(gateway), 0).GetProperty("lastGatewayFailure").GetString()?.Contains("no response headers", StringComparison.Ordinal) == true,
            "the replica actor recorded the TTFT timeout");
        var actors = await ActorsAsync(gateway);
        Assert.Equal(2, Replica(actors, 0).GetProperty("gatewayFailures").GetInt64());
        Assert.Equal(2, Replica(actors, 1).GetProperty("retries").GetInt64());
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_event_gets_a_real_status_and_a_slow_one_its_ttft_code()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Upstream.TtftTimeoutSeconds = 0.5);
        await gateway.WaitUntilReadyAsync();

        using var dropped = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_after_chunks":0}}"""));
        await ErrorAssert.IsOpenAiErrorAsync(dropped, HttpStatusCode.BadGateway, "upstream_unavailable");

        using var slow = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"ttft_ms":3000}}"""));
        await ErrorAssert.IsOpenAiErrorAsync(slow, HttpStatusCode.GatewayTimeout, "upstream_ttft_timeout");
    }

    [Fact]
    public async Task Health_actors_has_the_summary_the_idle_shutdown_script_reads()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await gateway.WaitUntilReadyAsync();
        var before = await ActorsAsync(gateway);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("summary").GetProperty("lastRequestAt").ValueKind);

        using (var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var actors = await ActorsAsync(gateway);
        var summary = actors.GetProperty("summary");
        Assert.Equal(0, summary.GetProperty("inFlight").GetInt32());
        Assert.Equal(0, summary.GetProperty("queued").GetInt32());
        Assert.True(summary.GetProperty("lastRequestAt").GetDateTimeOffset() >= summary.GetProperty("startedAt").GetDateTimeOffset());
        var model = actors.GetProperty("models")[0];
        Assert.Equal("test-model", model.GetProperty("modelId").GetString());
        Assert.StartsWith("/user/model-registry/", model.GetProperty("actorPath").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/replica-0", Replica(actors, 0).GetProperty("actorPath").GetString(), StringComparison.Ordinal);
        Assert.NotNull(Replica(actors, 0).GetProperty("lastProbeAt").GetString());
    }
}
