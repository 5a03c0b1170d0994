using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Integration;

/// <summary>Per-key limits, OpenAI's rate-limit headers and usage accounting over real sockets. The fake clock stops the buckets refilling mid-test.</summary>
public sealed class KeyLimitsTests
{
    private const string Plain = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static async Task<RunningGateway> StartAsync(ApiKeySettings key, Action<GatewaySettings>? configure = null)
    {
        var gateway = await RunningGateway.StartAsync(
            s =>
            {
                s.Auth.Keys.Add(key);
                configure?.Invoke(s);
            },
            time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await gateway.WaitUntilReadyAsync();
        return gateway;
    }

    private static async Task<JsonElement> UsageAsync(RunningGateway gateway, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/usage", UriKind.Relative));
        request.Headers.Authorization = new("Bearer", token);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<HttpResponseMessage> OpenStreamAsync(RunningGateway gateway, string token, int maxTokens, int events)
    {
        var response = await gateway.Client.SendAsync(
            gateway.Post("/v1/chat/completions", $$$"""{"model":"test-model","stream":true,"max_tokens":{{{maxTokens}}},"messages":[{"role":"user","content":"count to ten"}],"vllm_sim":{"itl_ms":150}}""", token),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = 0;
        while (seen < events && await reader.ReadLineAsync() is { } line)
        {
            seen += line.StartsWith("data: {", StringComparison.Ordinal) ? 1 : 0;
        }

        return response;
    }

    [Fact]
    public async Task A_60_rpm_key_counts_down_and_gets_429_with_openai_headers_on_its_61st_request()
    {
        await using var gateway = await StartAsync(new ApiKeySettings { Key = "sk-rpm", Name = "rpm", RequestsPerMinute = 60 });

        for (var i = 1; i <= 60; i++)
        {
            using var ok = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Plain, "sk-rpm"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("60", Header(ok, "x-ratelimit-limit-requests"));
            Assert.Equal((60 - i).ToString(CultureInfo.InvariantCulture), Header(ok, "x-ratelimit-remaining-requests"));
        }

        using var refused = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Plain, "sk-rpm"));
        var error = await ErrorAssert.IsOpenAiErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Contains("requests per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("60", Header(refused, "x-ratelimit-limit-requests"));
        Assert.Equal("0", Header(refused, "x-ratelimit-remaining-requests"));
        Assert.Equal("1m0s", Header(refused, "x-ratelimit-reset-requests"));
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("1000", Header(refused, "retry-after-ms"));
        Assert.Equal(60, gateway.Simulator!.Stats.RequestsTotal);
    }

    [Fact]
    public async Task A_tpm_key_is_limited_by_tokens_and_a_client_leaving_mid_stream_gives_its_reservation_back()
    {
        await using var gateway = await StartAsync(new ApiKeySettings { Key = "sk-tpm", Name = "tpm", TokensPerMinute = 300, RequestsPerMinute = 1000 });

        // Reserves its prompt estimate + 200 output tokens of the 300.
        var stream = await OpenStreamAsync(gateway, "sk-tpm", maxTokens: 200, events: 3);
        Assert.Equal("300", Header(stream, "x-ratelimit-limit-tokens"));

        using (var refused = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":200}""", "sk-tpm")))
        {
            var error = await ErrorAssert.IsOpenAiErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            Assert.Contains("tokens per minute", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal("999", Header(refused, "x-ratelimit-remaining-requests")); // requests are not what limits it (and a refusal takes none)
            Assert.True(int.Parse(Header(refused, "x-ratelimit-remaining-tokens"), CultureInfo.InvariantCulture) < 200);
        }

        stream.Dispose(); // the client leaves mid-stream
        await Eventually.TrueAsync(
            async () => (await UsageAsync(gateway, "sk-tpm")).GetProperty("data")[0].GetProperty("requests_by_outcome").GetProperty("client_aborted").GetInt64() == 1,
            "the aborted stream is settled");

        // Settled to what was used (a prompt and a few tokens): the same request now fits.
        using var admitted = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":200}""", "sk-tpm"));
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task Max_concurrent_holds_under_a_burst()
    {
        await using var gateway = await StartAsync(new ApiKeySettings { Key = "sk-c", Name = "c", MaxConcurrent = 2 });
        const string slow = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1,"vllm_sim":{"hang_ms":1500}}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", slow, "sk-c"))));

        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 2, 6);
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
            Assert.Contains("concurrent requests", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.True(gateway.Simulator!.Stats.MaxInFlight <= 2, $"upstream saw {gateway.Simulator.Stats.MaxInFlight} at once");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Usage_equals_the_simulators_token_counts_for_plain_streamed_and_client_aborted_requests()
    {
        await using var gateway = await StartAsync(new ApiKeySettings { Key = "sk-acct", Name = "acct" }, s => s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-admin", Name = "ops", Admin = true }));

        using (var plain = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hello there"}],"max_tokens":7}""", "sk-acct")))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var streamed = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"a longer question"}],"max_tokens":9}""", "sk-acct")))
        {
            Assert.Contains("[DONE]", await streamed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var aborted = await OpenStreamAsync(gateway, "sk-acct", maxTokens: 100, events: 4);
        aborted.Dispose();
        await Eventually.TrueAsync(() => gateway.Simulator!.Stats.AbortedByClient == 1, "the simulator saw the abort");
        await Eventually.TrueAsync(async () => (await UsageAsync(gateway, "sk-acct")).GetProperty("data")[0].GetProperty("requests").GetInt64() == 3, "three requests recorded");

        var usage = await UsageAsync(gateway, "sk-acct");
        Assert.Equal("acct", usage.GetProperty("key").GetString());
        var row = Assert.Single(usage.GetProperty("data").EnumerateArray());
        var metrics = await gateway.Client.GetStringAsync(new Uri(gateway.Simulator!.BaseUrl, "/metrics"));
        Assert.Equal(Counter(metrics, "vllm:prompt_tokens_total"), row.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(Counter(metrics, "vllm:generation_tokens_total"), row.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(2, row.GetProperty("requests_by_outcome").GetProperty("completed").GetInt64());
        Assert.Equal(1, row.GetProperty("requests_by_outcome").GetProperty("client_aborted").GetInt64());

        // An admin key sees every key's usage; a plain key only its own.
        var all = await UsageAsync(gateway, "sk-admin");
        Assert.False(all.TryGetProperty("key", out _));
        Assert.Contains(all.GetProperty("data").EnumerateArray(), r => r.GetProperty("key").GetString() == "acct");
    }

    private static long Counter(string metrics, string name) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is '{' or ' '))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
