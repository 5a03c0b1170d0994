using System.Net;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Observability;

/// <summary>A shed, a timeout and a client cancel each move their own counter, and only theirs.</summary>
public sealed class OutcomeCounterTests
{
    private static readonly (string, string) ModelLabel = ("gen_ai_request_model", "test-model");

    [Fact]
    public async Task Shed_timeout_and_client_cancel_each_move_their_own_counter()
    {
        var log = new CapturingSink();
        await using var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Models[0].MaxInFlight = 1;
                s.Models[0].MaxQueue = 0;
            },
            logSink: log);
        await gateway.WaitUntilReadyAsync();
        var client = gateway.Client;

        // Client cancel: the client gives up while the upstream has not answered yet.
        var before = await MetricsEndpointTests.ScrapeAsync(client);
        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SendAsync(
                gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"hang_ms":3000}}"""),
                cts.Token));
        }

        var afterCancel = await WaitForAsync(client, "gateway_client_cancellations_total", before, log);
        Assert.Equal(1, afterCancel.Sum("gateway_client_cancellations_total", ModelLabel) - before.Sum("gateway_client_cancellations_total", ModelLabel));
        AssertUnchanged(before, afterCancel, "gateway_sheds_total", "gateway_timeouts_total", "gateway_upstream_errors_total");

        // Shed: one request in flight, no queue, more arrive at once.
        before = afterCancel;
        var burst = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.SendAsync(gateway.Post(
            "/v1/chat/completions", """{"model":"test-model","max_tokens":2,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"hang_ms":300}}"""))));
        var shed = burst.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.True(shed > 0, "the burst was shed");
        Assert.True(burst.All(r => r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable));
        var afterShed = await WaitForAsync(client, "gateway_sheds_total", before);
        Assert.Equal(shed, afterShed.Sum("gateway_sheds_total", ModelLabel, ("gateway_reason", "queue_full")) - before.Sum("gateway_sheds_total", ModelLabel, ("gateway_reason", "queue_full")));
        AssertUnchanged(before, afterShed, "gateway_client_cancellations_total", "gateway_timeouts_total", "gateway_upstream_errors_total");

        // Timeout: the upstream answers after the total budget (1 s on a second gateway).
        await using var strict = await RunningGateway.StartAsync(s => s.Upstream.RequestTimeoutSeconds = 1);
        await strict.WaitUntilReadyAsync();
        client = strict.Client;
        afterShed = await MetricsEndpointTests.ScrapeAsync(client);
        before = afterShed;
        using var late = await client.SendAsync(strict.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"hang_ms":3000}}"""));
        await ErrorAssert.IsOpenAiErrorAsync(late, HttpStatusCode.GatewayTimeout, "upstream_timeout");
        var afterTimeout = await WaitForAsync(client, "gateway_timeouts_total", before);
        Assert.Equal(1, afterTimeout.Sum("gateway_timeouts_total", ModelLabel, ("gateway_phase", "total")) - before.Sum("gateway_timeouts_total", ModelLabel, ("gateway_phase", "total")));
        AssertUnchanged(before, afterTimeout, "gateway_client_cancellations_total", "gateway_sheds_total", "gateway_upstream_errors_total");
        Assert.True(afterTimeout.Has("gen_ai_server_request_duration_seconds_count", ModelLabel, ("error_type", "timeout:total")));
    }

    private static async Task<PrometheusText> WaitForAsync(HttpClient client, string counter, PrometheusText before, CapturingSink? log = null)
    {
        var after = before;
        await Eventually.TrueAsync(
            async () => (after = await MetricsEndpointTests.ScrapeAsync(client)).Sum(counter, ModelLabel) > before.Sum(counter, ModelLabel),
            $"{counter} moved; {log?.Events.Count} events; access log:\n{log?.AccessLines()}");
        return after;
    }

    private static void AssertUnchanged(PrometheusText before, PrometheusText after, params string[] counters)
    {
        foreach (var counter in counters)
        {
            Assert.True(before.Sum(counter) == after.Sum(counter), $"{counter} moved from {before.Sum(counter)} to {after.Sum(counter)}");
        }
    }
}
