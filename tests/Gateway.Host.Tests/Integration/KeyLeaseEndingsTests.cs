using System.Net;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Gateway.Streams.Limits;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Integration;

/// <summary>
/// A key's concurrency slot and token reservation come back in every way a request can end: completion, an upstream
/// error, a time-to-first-token timeout (plain and streamed), shed by a full queue, a queue timeout, a client leaving
/// while queued and a client leaving mid-stream. (A retry is a second attempt of the same request under the same
/// lease, so it has no ending of its own.) One gateway with one in-flight slot; after each ending the limiter holds
/// nothing for the key.
/// </summary>
public sealed class KeyLeaseEndingsTests
{
    private const string Key = "sk-lease";

    private static string Chat(string sim, bool stream = false, int maxTokens = 5) =>
        $$$"""{"model":"test-model","stream":{{{(stream ? "true" : "false")}}},"max_tokens":{{{maxTokens}}},"messages":[{"role":"user","content":"hello"}],"vllm_sim":{{{sim}}}}""";

    [Fact]
    public async Task Every_ending_gives_the_slot_and_the_reservation_back()
    {
        await using var gateway = await RunningGateway.StartAsync(s =>
        {
            s.Auth.Keys.Add(new ApiKeySettings { Key = Key, Name = "lease", TokensPerMinute = 1_000_000, MaxConcurrent = 10 });
            s.Upstream.QueueTimeoutSeconds = 3; // long enough to shed a request while two wait, even on a loaded machine
            s.Upstream.TtftTimeoutSeconds = 2;
            s.Upstream.MaxRetries = 0;
            s.Models[0].MaxInFlight = 1;
            s.Models[0].MaxQueue = 2;
            s.Models[0].MaxQueuePerKey = 2;
        });
        await gateway.WaitUntilReadyAsync();
        var limiter = (LocalKeyLimiter)gateway.App.Services.GetRequiredService<GatewayRuntime>().Limiter;
        Task ReleasedAsync(string ending) =>
            Eventually.TrueAsync(() => limiter.Inspect("lease") == KeyHold.None, $"{ending}: the key still holds {limiter.Inspect("lease")}");

        using (var completed = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("{}"), Key)))
        {
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        }

        await ReleasedAsync("completion");

        using (var failed = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("""{"fail_status":500}"""), Key)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(failed, HttpStatusCode.BadGateway, "upstream_unavailable");
        }

        await ReleasedAsync("upstream error");

        using (var slow = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("""{"hang_ms":6000}"""), Key)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(slow, HttpStatusCode.GatewayTimeout, "upstream_ttft_timeout");
        }

        await ReleasedAsync("time-to-first-token timeout");

        using (var slowStream = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("""{"ttft_ms":6000}""", stream: true), Key)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(slowStream, HttpStatusCode.GatewayTimeout, "upstream_ttft_timeout");
        }

        await ReleasedAsync("time-to-first-token timeout of a stream");

        // A long stream holds the one slot; two requests wait; a third is shed; one waiting client leaves, the other times out.
        var holder = await gateway.Client.SendAsync(
            gateway.Post("/v1/chat/completions", Chat("""{"itl_ms":200}""", stream: true, maxTokens: 100), Key), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, holder.StatusCode);
        using var leaving = new CancellationTokenSource();
        var leaves = gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("{}"), Key), leaving.Token);
        var timesOut = gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("{}"), Key));
        await Eventually.TrueAsync(() => limiter.Inspect("lease").InFlight == 3, "the holder and two queued requests");

        using (var shed = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat("{}"), Key)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(shed, HttpStatusCode.ServiceUnavailable, "model_overloaded");
        }

        Assert.Equal(3, limiter.Inspect("lease").InFlight); // the shed one gave its slot back before its answer

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaves);
        await Eventually.TrueAsync(() => limiter.Inspect("lease").InFlight == 2, "the client that left while queued gave its slot back");

        using (var expired = await timesOut)
        {
            await ErrorAssert.IsOpenAiErrorAsync(expired, HttpStatusCode.ServiceUnavailable, "queue_timeout");
        }

        Assert.Equal(1, limiter.Inspect("lease").InFlight);
        holder.Dispose(); // the client leaves mid-stream
        await ReleasedAsync("client leaving mid-stream");

        using var usage = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/usage") { Headers = { Authorization = new("Bearer", Key) } });
        var byOutcome = JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("data")[0].GetProperty("requests_by_outcome");
        Assert.Equal(1, byOutcome.GetProperty("completed").GetInt64());
        Assert.Equal(3, byOutcome.GetProperty("upstream_error").GetInt64());
        Assert.Equal(2, byOutcome.GetProperty("rejected").GetInt64()); // shed and queue timeout
        Assert.Equal(2, byOutcome.GetProperty("client_aborted").GetInt64());
    }
}
