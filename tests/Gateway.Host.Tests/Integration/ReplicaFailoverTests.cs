using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Integration;

/// <summary>
/// Replicas failing under real loopback traffic: one dies mid-load, the model is overloaded, every replica goes and
/// one comes back. Readiness, routing and <c>/health/actors</c> must tell the same story throughout.
/// </summary>
public sealed class ReplicaFailoverTests
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";

    // About 2.4 s per stream: 24 deltas of 4 characters, 100 ms apart.
    private const string SlowStream =
        """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"output":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrst","chunk_chars":4,"itl_ms":100}}""";

    private static async Task<JsonElement> JsonAsync(RunningGateway gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(new Uri(path, UriKind.Relative));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    private static async Task<JsonElement> SimStatsAsync(SimulatorServer simulator)
    {
        using var client = new HttpClient();
        return await client.GetFromJsonAsync<JsonElement>(new Uri(simulator.BaseUrl, "/sim/stats"));
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(RunningGateway gateway, string json)
    {
        using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", json));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Killing_one_of_three_replicas_mid_load_fails_no_new_request_and_ends_its_streams_in_band()
    {
        var simulators = new List<SimulatorServer>();
        for (var i = 0; i < 3; i++)
        {
            simulators.Add(await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["test-model"] }));
        }

        try
        {
            await using var gateway = await RunningGateway.StartAsync(
                s => s.Models[0].Upstreams = [.. simulators.Select(x => x.BaseUrl.ToString())], upstream: simulators[0].BaseUrl.ToString());
            await gateway.WaitUntilReadyAsync();
            await Eventually.TrueAsync(
                async () => (await JsonAsync(gateway, "/ready")).GetProperty("models").GetProperty("test-model").GetProperty("reason").GetString() == "3/3 replica(s) in service",
                "all three replicas probed");

            // Six streams spread over the three replicas (least outstanding requests), each reading its first event.
            var streams = new List<(HttpResponseMessage Response, Task<string> Body)>();
            for (var i = 0; i < 6; i++)
            {
                var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", SlowStream), HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                streams.Add((response, response.Content.ReadAsStringAsync()));
            }

            var victim = simulators[0];
            var onVictim = (await SimStatsAsync(victim)).GetProperty("in_flight").GetInt32();
            Assert.InRange(onVictim, 1, 3);

            // Kill it mid-stream, and keep sending while it goes down.
            var killing = victim.StopAsync();
            var fresh = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => SendAsync(gateway, Chat)));
            await killing;
            fresh = [.. fresh, .. await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(gateway, Chat)))];

            Assert.All(fresh, r => Assert.Equal(HttpStatusCode.OK, r.Status));
            var bodies = await Task.WhenAll(streams.Select(s => s.Body));
            foreach (var (response, _) in streams)
            {
                response.Dispose();
            }

            // Every stream ends with exactly one [DONE]; those on the dead replica carry an in-band error before it.
            Assert.All(bodies, b => Assert.Equal("[DONE]", SseReader.Events(b)[^1]));
            Assert.All(bodies, b => Assert.Single(SseReader.Events(b), e => e == "[DONE]"));
            var failed = bodies.Count(b => SseReader.Events(b)[^2].Contains("\"error\"", StringComparison.Ordinal));
            Assert.Equal(onVictim, failed);

            var dead = (await JsonAsync(gateway, "/health/actors")).GetProperty("models")[0].GetProperty("replicas")[0];
            Assert.True(dead.GetProperty("gatewayFailures").GetInt64() >= onVictim);
        }
        finally
        {
            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Overload_is_shed_with_503_and_the_replica_never_sees_more_than_the_bound()
    {
        await using var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Models[0].MaxInFlight = 2;
                s.Models[0].MaxQueue = 2;
                s.Models[0].MaxQueuePerKey = 2; // every request here comes from the one client
                s.Models[0].QueueTimeoutSeconds = 0.5; // the model's own queue timeout, shorter than the 1.5 s answers
            },
            simulatorOptions: new SimulatorOptions { TtftMs = 1500 });
        await gateway.WaitUntilReadyAsync();

        // Two fill the in-flight slots; then a burst of eight finds them busy.
        var first = Enumerable.Range(0, 2).Select(_ => SendAsync(gateway, Chat)).ToList();
        await Eventually.TrueAsync(
            async () => (await SimStatsAsync(gateway.Simulator!)).GetProperty("in_flight").GetInt32() == 2, "both slots are taken");
        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(gateway, Chat)));
        var answers = (await Task.WhenAll(first)).Concat(burst).ToList();

        var stats = await SimStatsAsync(gateway.Simulator!);
        Assert.InRange(stats.GetProperty("max_in_flight").GetInt32(), 1, 2);
        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests }));
        Assert.Equal(2, answers.Count(a => a.Status == HttpStatusCode.OK));
        var codes = burst.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("error").GetProperty("code").GetString()).ToList();
        // The queue holds two (one more may already sit inside the pipeline, waiting for a slot): queued, then out of
        // time; the rest are shed at once.
        Assert.True(codes.Count(c => c == "queue_timeout") is >= 2 and <= 3, string.Join(",", codes));
        Assert.Equal(8, codes.Count(c => c is "queue_timeout" or "model_overloaded"));
    }

    [Fact]
    public async Task A_lora_adapter_is_routed_only_to_the_replica_that_lists_it()
    {
        await using var plain = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["base"] });
        await using var withAdapter = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["base"], LoraAdapters = ["sql-lora"] });
        await using var gateway = await RunningGateway.StartAsync(
            s => s.Models[0].Upstreams = [plain.BaseUrl.ToString(), withAdapter.BaseUrl.ToString()], model: "sql-lora", upstream: plain.BaseUrl.ToString());
        await gateway.WaitUntilReadyAsync(); // the adapter's card has "max_model_len": null, as vLLM lists it

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(gateway, Chat.Replace("test-model", "sql-lora", StringComparison.Ordinal))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Equal(8, (await SimStatsAsync(withAdapter)).GetProperty("requests_total").GetInt64());
        Assert.Equal(0, (await SimStatsAsync(plain)).GetProperty("requests_total").GetInt64());
        var replicas = (await JsonAsync(gateway, "/health/actors")).GetProperty("models")[0].GetProperty("replicas");
        Assert.False(replicas[0].GetProperty("ready").GetBoolean()); // does not serve the adapter
        Assert.True(replicas[1].GetProperty("isAdapter").GetBoolean());
    }

    [Fact]
    public async Task Ready_routing_and_health_actors_agree_as_every_replica_goes_and_one_comes_back()
    {
        var (portA, portB) = (Loopback.FreePort(), Loopback.FreePort());
        var a = await SimulatorServer.StartAsync(new SimulatorOptions { Port = portA, Models = ["test-model"] });
        var b = await SimulatorServer.StartAsync(new SimulatorOptions { Port = portB, Models = ["test-model"] });
        SimulatorServer? back = null;
        try
        {
            await using var gateway = await RunningGateway.StartAsync(
                s => s.Models[0].Upstreams = [a.BaseUrl.ToString(), b.BaseUrl.ToString()], upstream: a.BaseUrl.ToString());
            await gateway.WaitUntilReadyAsync();

            // One replica down: still ready, the reason counts it, requests succeed, inspection shows which.
            await a.StopAsync();
            await Eventually.TrueAsync(
                async () => (await JsonAsync(gateway, "/ready")).GetProperty("models").GetProperty("test-model").GetProperty("reason").GetString() == "1/2 replica(s) in service",
                "the dead replica's probe failed");
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, Chat)).Status);
            var replicas = (await JsonAsync(gateway, "/health/actors")).GetProperty("models")[0].GetProperty("replicas");
            Assert.False(replicas[0].GetProperty("inService").GetBoolean());
            Assert.Contains("not reachable", replicas[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.True(replicas[1].GetProperty("inService").GetBoolean());

            // Both down: unready with both reasons; a request goes to the least bad replica (panic) and says so.
            await b.StopAsync();
            await Eventually.TrueAsync(
                async () => (await JsonAsync(gateway, "/ready")).GetProperty("status").GetString() == "unready", "the model became unready");
            var reason = (await JsonAsync(gateway, "/ready")).GetProperty("models").GetProperty("test-model").GetProperty("reason").GetString()!;
            Assert.StartsWith("no replica in service:", reason, StringComparison.Ordinal);
            Assert.Contains($":{portA} not reachable", reason, StringComparison.Ordinal);
            Assert.Contains($":{portB} not reachable", reason, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.BadGateway, (await SendAsync(gateway, Chat)).Status);
            var model = (await JsonAsync(gateway, "/health/actors")).GetProperty("models")[0];
            Assert.False(model.GetProperty("ready").GetBoolean());
            Assert.Equal(reason, model.GetProperty("reason").GetString());
            Assert.True(model.GetProperty("panicking").GetBoolean());
            Assert.True(model.GetProperty("panicRoutes").GetInt64() >= 1);

            // b comes back on its address: ready on its next probe, and served at once (no cooldown to sit out).
            back = await SimulatorServer.StartAsync(new SimulatorOptions { Port = portB, Models = ["test-model"] });
            await gateway.WaitUntilReadyAsync();
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, Chat)).Status);
            model = (await JsonAsync(gateway, "/health/actors")).GetProperty("models")[0];
            Assert.True(model.GetProperty("ready").GetBoolean());
            Assert.False(model.GetProperty("panicking").GetBoolean());
            Assert.True(model.GetProperty("replicas")[1].GetProperty("inService").GetBoolean());
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
            if (back is not null)
            {
                await back.DisposeAsync();
            }
        }
    }
}
