using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Observability;

/// <summary>Routing's facts on <c>/metrics</c>: retries, per-replica failures and retries, timeouts by phase, upstream errors by class.</summary>
public sealed class RoutingMetricsTests
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";
    private static readonly (string, string) ModelLabel = ("gen_ai_request_model", "test-model");

    [Fact]
    public async Task A_ttft_timeout_retried_on_a_healthy_replica_moves_the_retry_and_replica_counters()
    {
        await using var replicas = await HangingAndHealthyReplicas.StartAsync(ttftTimeoutSeconds: 1);
        var (gateway, hanging, healthy) = (replicas.Gateway, replicas.Hanging, replicas.Healthy);

        using (var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var hangingLabel = ("gateway_replica", hanging.BaseUrl.GetLeftPart(UriPartial.Authority));
        var healthyLabel = ("gateway_replica", healthy.BaseUrl.GetLeftPart(UriPartial.Authority));
        PrometheusText scrape = null!;
        await Eventually.TrueAsync(
            async () => (scrape = await MetricsEndpointTests.ScrapeAsync(gateway.Client)).Sum("gateway_retries_total", ModelLabel) >= 1,
            "the retry was counted");
        Assert.Equal(1, scrape.Sum("gateway_retries_total", ModelLabel));
        Assert.Equal(1, scrape.Sum("gateway_replica_gateway_failures_total", ModelLabel, hangingLabel));
        Assert.Equal(1, scrape.Sum("gateway_replica_retries_total", ModelLabel, healthyLabel));
        Assert.Equal(0, scrape.Sum("gateway_replica_retries_total", ModelLabel, hangingLabel));
        Assert.Equal(0, scrape.Sum("gateway_replica_ejections_total", ModelLabel, hangingLabel));
        Assert.Equal(0, scrape.Sum("gateway_timeouts_total")); // retried: the client never saw the timeout
    }

    [Fact]
    public async Task A_stream_with_no_first_event_counts_a_ttft_timeout_and_a_dropped_one_an_upstream_error_by_class()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Upstream.TtftTimeoutSeconds = 0.5);
        await gateway.WaitUntilReadyAsync();
        var before = await MetricsEndpointTests.ScrapeAsync(gateway.Client);

        using (var slow = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"ttft_ms":3000}}""")))
        {
            await ErrorAssert.IsOpenAiErrorAsync(slow, HttpStatusCode.GatewayTimeout, "upstream_ttft_timeout");
        }

        using (var dropped = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_after_chunks":0}}""")))
        {
            await ErrorAssert.IsOpenAiErrorAsync(dropped, HttpStatusCode.BadGateway, "upstream_unavailable");
        }

        PrometheusText after = before;
        await Eventually.TrueAsync(
            async () => (after = await MetricsEndpointTests.ScrapeAsync(gateway.Client)).Sum("gateway_upstream_errors_total", ModelLabel) > before.Sum("gateway_upstream_errors_total", ModelLabel)
                && after.Sum("gateway_timeouts_total", ModelLabel) > before.Sum("gateway_timeouts_total", ModelLabel),
            "both counters moved");
        Assert.Equal(1, after.Sum("gateway_timeouts_total", ModelLabel, ("gateway_phase", "ttft")) - before.Sum("gateway_timeouts_total", ModelLabel, ("gateway_phase", "ttft")));
        Assert.Equal(1, after.Sum("gateway_upstream_errors_total", ModelLabel) - before.Sum("gateway_upstream_errors_total", ModelLabel));
        Assert.Equal(0, after.Sum("gateway_upstream_errors_total", ModelLabel, ("error_type", "other")));
        Assert.True(after.Has("gen_ai_server_request_duration_seconds_count", ModelLabel, ("error_type", "timeout:ttft")));
    }
}
