using System.Net;
using System.Text.Json;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration.Faults;

/// <summary>
/// The upstream fault matrix (issue 9): for each fault, what the client receives — a status with the OpenAI error
/// body, or a 200 stream ending with an in-band error and exactly one <c>[DONE]</c> — and that nothing stays held
/// afterwards (admission counts, the simulator's in-flight, the upstream connection where the gateway must close it).
/// </summary>
public sealed class UpstreamFaultTests(UpstreamFaultFixture fixture) : IClassFixture<UpstreamFaultFixture>
{
    [Theory]
    [MemberData(nameof(UpstreamFaultRows.Names), MemberType = typeof(UpstreamFaultRows))]
    public async Task Each_fault_gets_its_answer_and_leaves_nothing_held(string name)
    {
        var row = UpstreamFaultRows.Get(name);
        var gateway = fixture.Gateway;
        var abortedBefore = gateway.Simulator!.Stats.AbortedByClient;
        var sim = row.Sim.Replace("OUTPUT_OVER_CAP", new string('x', UpstreamFaultFixture.MaxResponseBodyBytes + 4096), StringComparison.Ordinal);
        var body = $$"""{"model":"{{row.Model}}","stream":{{(row.Stream ? "true" : "false")}},"max_tokens":{{(row.Sim.Contains("OUTPUT_OVER_CAP", StringComparison.Ordinal) ? 8000 : 8)}},"messages":[{"role":"user","content":"hi"}],"vllm_sim":{{sim}}}""";

        using (var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", body)))
        {
            var error = row.InBand ? await InBandErrorAsync(response) : await ErrorAssert.IsOpenAiErrorAsync(response, (HttpStatusCode)row.Status, row.Code);
            Assert.Equal(row.Code, error.GetProperty("code").ToString()); // vLLM's own error events carry a numeric code
            if (row.MessageContains is not null)
            {
                Assert.Contains(row.MessageContains, error.GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }

        await fixture.AssertNothingHeldAsync(row.Model);
        if (row.UpstreamAborted)
        {
            await Eventually.TrueAsync(() => gateway.Simulator.Stats.AbortedByClient > abortedBefore, "the gateway closed the upstream connection");
        }
    }

    [Fact]
    public async Task A_redirect_is_never_followed_and_its_location_never_reaches_the_client()
    {
        var gateway = fixture.Gateway;
        using var target = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var location = $"http://127.0.0.1:{((IPEndPoint)target.LocalEndpoint).Port}/latest/meta-data/";
        foreach (var stream in new[] { false, true })
        {
            var sim = JsonSerializer.Serialize(new { redirect_to = location });
            var body = $$"""{"model":"faults","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}],"vllm_sim":{{sim}}}""";
            using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", body));

            var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
            Assert.Contains("redirect", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Null(response.Headers.Location);
            Assert.DoesNotContain(location, error.ToString(), StringComparison.Ordinal);
        }

        Assert.False(target.Pending(), "the gateway connected to the redirect's Location");
        await fixture.AssertNothingHeldAsync(UpstreamFaultFixture.Model);
    }

    [Fact]
    public async Task A_plain_answer_with_an_unexpected_content_type_is_relayed_as_vllm_sent_it()
    {
        // vLLM answers some routes in text (e.g. transcriptions with response_format "text"): a plain body is relayed with its type.
        var gateway = fixture.Gateway;
        var body = """{"model":"faults","max_tokens":4,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"content_type":"text/plain"}}""";
        using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("chat.completion", doc.RootElement.GetProperty("object").GetString());
        await fixture.AssertNothingHeldAsync(UpstreamFaultFixture.Model);
    }

    /// <summary>A 200 event stream whose last two events are an error and the one <c>[DONE]</c>; returns the error.</summary>
    private static async Task<JsonElement> InBandErrorAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected a 200 stream, got {(int)response.StatusCode}: {text}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = SseReader.Events(text);
        Assert.Single(events, e => e == "[DONE]");
        Assert.Equal("[DONE]", events[^1]);
        Assert.True(events.Count >= 2, text);
        using var doc = JsonDocument.Parse(events[^2]);
        Assert.Single(events, e => e.StartsWith("{\"error\"", StringComparison.Ordinal));
        return doc.RootElement.GetProperty("error").Clone();
    }
}
