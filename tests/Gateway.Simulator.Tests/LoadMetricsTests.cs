using System.Net;

namespace Gateway.Simulator.Tests;

/// <summary>Load gauges that follow real load: --max-num-seqs, the FIFO wait, KV usage from tokens in flight, /sim/load.</summary>
public sealed class LoadMetricsTests
{
    private const string Running = "vllm:num_requests_running";
    private const string Waiting = "vllm:num_requests_waiting";
    private const string Kv = "vllm:kv_cache_usage_perc";

    private const string Held = """{"messages":[{"role":"user","content":"hold"}],"stream":true,"vllm_sim":{"ttft_ms":60000}}""";

    [Fact]
    public async Task Requests_beyond_max_num_seqs_wait_in_fifo_and_the_gauges_follow()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, MaxNumSeqs = 1, KvCacheTokens = 1000 });
        using var client = SimHttp.CreateClient(server);

        var a = HeldStream.Start(client, Held);
        await Poll.GaugeIsAsync(client, Running, 1);
        Assert.True(await Poll.GaugeAsync(client, Kv) > 0);

        var b = client.PostAsync("/v1/chat/completions", SimHttp.Json("""{"messages":[{"role":"user","content":"b"}],"vllm_sim":{"output":"done"}}"""));
        await Poll.GaugeIsAsync(client, Waiting, 1);
        Assert.False(b.IsCompleted);
        Assert.Equal(1, await Poll.GaugeAsync(client, Running));

        await a.DisposeAsync();
        using var response = await b;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("done", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Poll.GaugeIsAsync(client, Running, 0);
        Assert.Equal(0, await Poll.GaugeAsync(client, Waiting));
        Assert.Equal(0, await Poll.GaugeAsync(client, Kv));
        await Poll.UntilAsync(() => Task.FromResult(server.Stats.InFlight == 0));
        Assert.Equal(1, server.Stats.Completed);
    }

    [Fact]
    public async Task A_client_that_leaves_the_queue_stops_waiting_and_counts_as_aborted()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, MaxNumSeqs = 1 });
        using var client = SimHttp.CreateClient(server);

        var a = HeldStream.Start(client, Held);
        await Poll.GaugeIsAsync(client, Running, 1);
        var b = HeldStream.Start(client, Held);
        await Poll.GaugeIsAsync(client, Waiting, 1);

        await b.DisposeAsync();
        await Poll.GaugeIsAsync(client, Waiting, 0);
        Assert.Equal(1, await Poll.GaugeAsync(client, Running));
        await a.DisposeAsync();
        await Poll.GaugeIsAsync(client, Running, 0);
        await Poll.UntilAsync(() => Task.FromResult(server.Stats.InFlight == 0));
        Assert.Equal(2, server.Stats.AbortedByClient);
    }

    [Fact]
    public async Task Kv_usage_grows_with_generated_tokens_of_running_requests()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, KvCacheTokens = 1_000_000 });
        using var client = SimHttp.CreateClient(server);

        var held = HeldStream.Start(client, """{"messages":[{"role":"user","content":"x"}],"stream":true,"vllm_sim":{"output":"abcdefgh","chunk_chars":1,"itl_ms":60000}}""");
        await Poll.GaugeIsAsync(client, Running, 1);
        await Poll.UntilAsync(async () => await Poll.GaugeAsync(client, Kv) > 0);
        var withPromptAndOneToken = await Poll.GaugeAsync(client, Kv);

        // Prompt tokens plus the first generated token, over the capacity.
        var tokenized = await SimHttp.PostJsonAsync(client, "/tokenize", """{"messages":[{"role":"user","content":"x"}]}""");
        var promptTokens = tokenized.Body.GetProperty("count").GetInt32();
        Assert.Equal((promptTokens + 1) / 1_000_000.0, withPromptAndOneToken, 9);

        await held.DisposeAsync();
        await Poll.GaugeIsAsync(client, Kv, 0);
    }

    [Fact]
    public async Task Sim_load_pins_an_offset_that_an_empty_body_and_reset_clear()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        var (set, body) = await SimHttp.PostJsonAsync(client, "/sim/load", """{"waiting":3,"running":2,"kv_cache_usage":0.5}""");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(3, body.GetProperty("waiting").GetInt32());
        Assert.Equal(3, await Poll.GaugeAsync(client, Waiting));
        Assert.Equal(2, await Poll.GaugeAsync(client, Running));
        Assert.Equal(0.5, await Poll.GaugeAsync(client, Kv));

        await SimHttp.PostJsonAsync(client, "/sim/load", "{}");
        Assert.Equal(0, await Poll.GaugeAsync(client, Waiting));
        Assert.Equal(0, await Poll.GaugeAsync(client, Kv));

        await SimHttp.PostJsonAsync(client, "/sim/load", """{"kv_cache_usage":1}""");
        Assert.Equal(1, await Poll.GaugeAsync(client, Kv));
        using var reset = await client.PostAsync("/sim/reset", null);
        Assert.Equal(0, await Poll.GaugeAsync(client, Kv));

        var (bad, error) = await SimHttp.PostJsonAsync(client, "/sim/load", """{"kv_cache_usage":2}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("kv_cache_usage", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
