using System.Net;
using System.Text.Json;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

/// <summary>The shutdown drain (README "Drain"): ready turns draining, new requests are refused, in-flight streams finish or are ended.</summary>
public sealed class DrainTests
{
    private const string SlowStream =
        """{"model":"test-model","stream":true,"max_tokens":{0},"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"itl_ms":{1}}}""";

    private static string Stream(int tokens, int itlMs) =>
        SlowStream.Replace("{0}", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{1}", itlMs.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [Fact]
    public async Task While_draining_ready_says_draining_new_requests_get_503_and_the_stream_in_flight_finishes()
    {
        var gateway = await RunningGateway.StartAsync();
        try
        {
            await gateway.WaitUntilReadyAsync();
            using var response = await gateway.Client.SendAsync(
                gateway.Post("/v1/chat/completions", Stream(20, 100)), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = response.Content.ReadAsStringAsync();

            var stopping = gateway.App.StopAsync();

            await Eventually.TrueAsync(
                async () =>
                {
                    using var ready = await gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));
                    return ready.StatusCode == HttpStatusCode.ServiceUnavailable && (await ready.Content.ReadAsStringAsync()).Contains("\"status\":\"draining\"", StringComparison.Ordinal);
                },
                "/ready answers 503 draining");

            using (var refused = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""")))
            {
                await ErrorAssert.IsOpenAiErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "shutting_down");
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            var events = SseReader.Events(await body);
            await stopping;

            Assert.Equal("[DONE]", events[^1]);
            Assert.DoesNotContain(events, e => e.StartsWith("{\"error\"", StringComparison.Ordinal));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_stream_still_running_at_the_drain_timeout_ends_with_an_in_band_error_and_done()
    {
        var gateway = await RunningGateway.StartAsync(s => s.Server.DrainTimeoutSeconds = 1);
        try
        {
            await gateway.WaitUntilReadyAsync();
            using var response = await gateway.Client.SendAsync(
                gateway.Post("/v1/chat/completions", Stream(200, 100)), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = response.Content.ReadAsStringAsync();

            await gateway.App.StopAsync();
            var events = SseReader.Events(await body);

            Assert.Equal("[DONE]", events[^1]);
            Assert.Single(events, e => e == "[DONE]");
            using var error = JsonDocument.Parse(events[^2]);
            Assert.Equal("shutting_down", error.RootElement.GetProperty("error").GetProperty("code").GetString());
            Assert.True(events.Count < 150, "the stream was cut at the drain timeout, not run to its end");
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
