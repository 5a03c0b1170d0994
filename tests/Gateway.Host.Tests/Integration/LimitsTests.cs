using System.Net;
using System.Text;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

public sealed class LimitsTests
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";

    [Fact]
    public async Task A_chunked_body_over_the_cap_is_refused_with_413()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Server.MaxRequestBodyBytes = 1024);
        var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"model\":\"test-model\",\"pad\":\"" + new string('x', 4000) + "\"}")));
        body.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = body };
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.Client.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_reading()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Server.MaxRequestBodyBytes = 1024);
        using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", "{\"pad\":\"" + new string('x', 2000) + "\"}"));
        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Contains("1024", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_over_the_per_key_rate_get_429_with_retry_after()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.RateLimit.RequestsPerMinute = 2);
        await gateway.WaitUntilReadyAsync();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last?.Dispose();
            last = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Chat));
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await ErrorAssert.IsOpenAiErrorAsync(last, HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        last.Dispose();
    }

    [Fact]
    public async Task Admission_bounds_the_load_on_the_upstream_and_sheds_the_excess_with_503()
    {
        await using var gateway = await RunningGateway.StartAsync(s =>
        {
            s.Models[0].MaxInFlight = 2;
            s.Models[0].MaxQueue = 2;
        });
        await gateway.WaitUntilReadyAsync();
        const string slow = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"hang_ms":700}}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", slow))));

        var shed = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(shed);
        Assert.All(shed, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        await ErrorAssert.IsOpenAiErrorAsync(shed[0], HttpStatusCode.ServiceUnavailable, "model_overloaded");
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.True(gateway.Simulator!.Stats.MaxInFlight <= 2, $"upstream saw {gateway.Simulator.Stats.MaxInFlight} at once");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
