using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

/// <summary>vllm_sim failure knobs and the stats they move; each test runs its own server so counters are its own.</summary>
public sealed class FailureInjectionTests
{
    [Fact]
    public async Task Fail_status_503_answers_at_once_with_a_vllm_error_body()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var (response, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"stream":true,"vllm_sim":{"fail_status":503,"ttft_ms":5000}}
            """);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = body.GetProperty("error");
        Assert.Equal("ServiceUnavailableError", error.GetProperty("type").GetString());
        Assert.Equal(503, error.GetProperty("code").GetInt32());
        await WaitUntilAsync(() => server.Stats.Failed == 1);
        Assert.Equal(0, server.Stats.InFlight);
    }

    [Fact]
    public async Task Fail_empty_body_sends_a_bare_500_like_a_dead_engine()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        using var response = await client.PostAsync("/v1/completions", SimHttp.Json("""{"prompt":"x","vllm_sim":{"fail_status":500,"fail_empty_body":true}}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Fail_after_chunks_ends_the_stream_abruptly_without_done()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"stream":true,"vllm_sim":{"output":"abcdefgh","chunk_chars":1,"fail_after_chunks":3}}
            """);

        Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
        Assert.NotNull(sse.ReadError);
        Assert.DoesNotContain("[DONE]", sse.Raw, StringComparison.Ordinal);
        Assert.True(sse.Events.Count <= 3);
        await WaitUntilAsync(() => server.Stats.InFlight == 0);
        Assert.Equal((1L, 0L, 0L), (server.Stats.Failed, server.Stats.AbortedByClient, server.Stats.Completed));
        Assert.Equal(0, server.Stats.AbortedByClient);
    }

    [Fact]
    public async Task Fail_after_chunks_on_a_plain_request_drops_the_connection()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            client.PostAsync("/v1/chat/completions", SimHttp.Json("""{"messages":[{"role":"user","content":"x"}],"vllm_sim":{"fail_after_chunks":0}}""")));
    }

    [Fact]
    public async Task Error_after_chunks_sends_vllms_error_event_then_done()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"stream":true,"vllm_sim":{"output":"abcdef","chunk_chars":1,"error_after_chunks":2}}
            """);

        var events = sse.Events;
        Assert.Equal(4, events.Count);
        Assert.Equal("[DONE]", events[^1]);
        Assert.StartsWith("""{"error": {"message": """, events[2], StringComparison.Ordinal);
        var error = JsonDocument.Parse(events[2]).RootElement.GetProperty("error");
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Equal(400, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Client_cancel_during_hang_counts_as_aborted_by_client()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PostAsync(
            "/v1/chat/completions",
            SimHttp.Json("""{"messages":[{"role":"user","content":"x"}],"vllm_sim":{"hang_ms":10000}}"""),
            cts.Token));

        await WaitUntilAsync(() => server.Stats.AbortedByClient == 1);
        var stats = JsonDocument.Parse(await client.GetStringAsync("/sim/stats")).RootElement;
        Assert.Equal(1, stats.GetProperty("aborted_by_client").GetInt64());
        Assert.Equal(0, stats.GetProperty("in_flight").GetInt64());
        Assert.Equal(1, stats.GetProperty("requests_total").GetInt64());
        Assert.Equal(0, stats.GetProperty("completed").GetInt64());
        Assert.Contains("vllm:request_success_total{engine=\"0\",finished_reason=\"abort\",model_name=\"sim-model\"} 1.0", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_disconnect_mid_stream_counts_as_aborted_by_client()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = SimHttp.Json("""{"messages":[{"role":"user","content":"x"}],"stream":true,"max_tokens":200,"vllm_sim":{"itl_ms":50}}"""),
        };

        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64];
            await stream.ReadAtLeastAsync(buffer, 1);
        }

        await WaitUntilAsync(() => server.Stats.AbortedByClient == 1);
        Assert.Equal(0, server.Stats.Completed);
    }

    [Fact]
    public async Task Max_in_flight_reaches_the_number_of_parallel_slow_requests()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var reset = await client.PostAsync("/sim/reset", null);
        const int parallel = 8;

        var responses = await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => client.PostAsync(
            "/v1/chat/completions",
            SimHttp.Json("""{"messages":[{"role":"user","content":"x"}],"max_tokens":2,"vllm_sim":{"ttft_ms":400}}"""))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await WaitUntilAsync(() => server.Stats.InFlight == 0);
        var stats = JsonDocument.Parse(await client.GetStringAsync("/sim/stats")).RootElement;
        Assert.Equal(parallel, stats.GetProperty("max_in_flight").GetInt64());
        Assert.Equal(parallel, stats.GetProperty("completed").GetInt64());
        Assert.Equal(parallel, stats.GetProperty("requests_total").GetInt64());
        Assert.Equal(0, stats.GetProperty("in_flight").GetInt64());
    }

    [Fact]
    public async Task Reset_zeroes_the_counters()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var ok = await client.PostAsync("/v1/completions", SimHttp.Json("""{"prompt":"x"}"""));
        await WaitUntilAsync(() => server.Stats.InFlight == 0);

        using var reset = await client.PostAsync("/sim/reset", null);
        var stats = JsonDocument.Parse(await reset.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(["requests_total", "completed", "failed", "aborted_by_client", "in_flight", "max_in_flight"], stats.EnumerateObject().Select(p => p.Name));
        Assert.All(stats.EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));
        Assert.Equal(0, server.Stats.RequestsTotal);
    }

    private static Task<SimulatorServer> StartAsync() => SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
