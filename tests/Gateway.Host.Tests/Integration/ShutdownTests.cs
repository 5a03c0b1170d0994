using System.Net;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

public sealed class ShutdownTests
{
    [Fact]
    public async Task A_stream_in_flight_when_the_gateway_stops_still_completes()
    {
        var gateway = await RunningGateway.StartAsync();
        try
        {
            await gateway.WaitUntilReadyAsync();
            using var response = await gateway.Client.SendAsync(
                gateway.Post("/v1/chat/completions", """{"model":"test-model","stream":true,"max_tokens":15,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"itl_ms":100}}"""),
                HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = response.Content.ReadAsStringAsync();

            var stopping = gateway.App.StopAsync();
            var events = SseReader.Events(await body);
            await stopping;

            Assert.Equal("[DONE]", events[^1]);
            Assert.DoesNotContain(events, e => e.StartsWith("{\"error\"", StringComparison.Ordinal));
            Assert.Equal(15, events.Count(e => e.Contains("\"content\"", StringComparison.Ordinal)) - 1);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
