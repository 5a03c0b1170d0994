using System.Net;
using System.Text.Json;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Observability;

public sealed class MetricsEndpointTests
{
    private const string Model = "test-model";
    private static readonly (string, string) ModelLabel = ("gen_ai_request_model", Model);

    internal static async Task<PrometheusText> ScrapeAsync(HttpClient client, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative));
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_streamed_request_moves_ttft_per_token_and_token_counters_by_exactly_its_usage()
    {
        await using var gateway = await RunningGateway.StartAsync(model: Model);
        await gateway.WaitUntilReadyAsync();
        var before = await ScrapeAsync(gateway.Client);

        using var response = await gateway.Client.SendAsync(gateway.Post(
            "/v1/chat/completions",
            """{"model":"test-model","stream":true,"stream_options":{"include_usage":true},"max_tokens":7,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"ttft_ms":20,"itl_ms":5}}"""));
        var events = SseReader.Events(await response.Content.ReadAsStringAsync());
        var usage = events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement)
            .Last(e => e.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object).GetProperty("usage");
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(7, completion);

        PrometheusText after = before;
        await Eventually.TrueAsync(
            async () => (after = await ScrapeAsync(gateway.Client)).Sum("gen_ai_server_time_to_first_token_seconds_count", ModelLabel) > before.Sum("gen_ai_server_time_to_first_token_seconds_count", ModelLabel),
            "the TTFT histogram moved");

        Assert.Equal(1, Delta("gen_ai_server_time_to_first_token_seconds_count", ModelLabel));
        Assert.Equal(1, Delta("gen_ai_server_time_per_output_token_seconds_count", ModelLabel));
        Assert.Equal(1, Delta("gen_ai_server_request_duration_seconds_count", ModelLabel));
        Assert.Equal(completion, Delta("gateway_tokens_total", ModelLabel, ("gen_ai_token_type", "output")));
        Assert.Equal(prompt, Delta("gateway_tokens_total", ModelLabel, ("gen_ai_token_type", "input")));
        Assert.Equal(completion, Delta("gen_ai_client_token_usage_sum", ModelLabel, ("gen_ai_token_type", "output")));
        Assert.Equal(1, Delta("gateway_http_server_request_duration_seconds_count", ("http_route", "/v1/chat/completions"), ("http_request_method", "POST"), ("http_response_status_class", "2xx")));
        Assert.True(after.Has("gen_ai_server_time_to_first_token_seconds_bucket", ModelLabel, ("gen_ai_provider_name", "vllm"), ("gen_ai_operation_name", "chat"), ("le", "0.001")));
        Assert.True(after.Has("gen_ai_server_request_duration_seconds_bucket", ModelLabel, ("le", "81.92")));
        Assert.True(after.Has("gen_ai_client_token_usage_bucket", ModelLabel, ("le", "67108864")));
        Assert.Equal(1, after.Sum("gateway_model_ready", ModelLabel));
        var replica = ("gateway_replica", gateway.Simulator!.BaseUrl.GetLeftPart(UriPartial.Authority));
        Assert.Equal(0, after.Sum("gateway_replica_ejected", ModelLabel, replica));
        Assert.Equal(1, after.Sum("gateway_replica_ready", ModelLabel, replica));
        Assert.Equal(1, Delta("gateway_queue_wait_seconds_count", ModelLabel));
        Assert.Equal(0, after.Sum("gateway_retries_total", ModelLabel));

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
    }

    [Fact]
    public async Task Every_family_the_scrape_shows_is_a_documented_name()
    {
        await using var gateway = await RunningGateway.StartAsync(model: Model);
        await gateway.WaitUntilReadyAsync();
        using var chat = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""));
        var scrape = await ScrapeAsync(gateway.Client);
        var known = TelemetryNames.PrometheusNames.ToHashSet(StringComparer.Ordinal);
        foreach (var family in scrape.Types.Keys.Where(f => f.StartsWith("gateway_", StringComparison.Ordinal) || f.StartsWith("gen_ai_", StringComparison.Ordinal)))
        {
            Assert.Contains(family, known);
        }
    }
}
