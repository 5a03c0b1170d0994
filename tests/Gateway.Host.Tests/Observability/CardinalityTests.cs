using System.Net;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Observability;

/// <summary>Only configured models, replicas and keys become labels: a flood of random input adds no series.</summary>
public sealed class CardinalityTests
{
    [Fact]
    public async Task Random_paths_models_and_bearer_tokens_add_no_series()
    {
        const string key = "sk-cardinality-key-1";
        await using var gateway = await RunningGateway.StartAsync(s => s.Auth.Keys = [new ApiKeySettings { Name = "ci", Key = key }]);
        await gateway.WaitUntilReadyAsync();
        var client = gateway.Client;

        HttpRequestMessage RandomPath() => WithKey(new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/" + Guid.NewGuid().ToString("N"), UriKind.Relative)), key);
        HttpRequestMessage RandomModel() => gateway.Post("/v1/chat/completions", $$"""{"model":"m-{{Guid.NewGuid():N}}","messages":[{"role":"user","content":"hi"}]}""", key);
        HttpRequestMessage RandomToken() => gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}""", "sk-" + Guid.NewGuid().ToString("N"));

        // One of each first: their (bounded) series exist from then on.
        foreach (var make in new[] { RandomPath, RandomModel, RandomToken })
        {
            using var warm = await client.SendAsync(make());
        }

        await MetricsEndpointTests.ScrapeAsync(client, key); // the scrape's own series
        var before = await MetricsEndpointTests.ScrapeAsync(client, key);
        var flood = Enumerable.Range(0, 3000).Select(i => (i % 3) switch { 0 => RandomPath(), 1 => RandomModel(), _ => RandomToken() }).ToList();
        var statuses = new List<HttpStatusCode>();
        foreach (var chunk in flood.Chunk(16))
        {
            var responses = await Task.WhenAll(chunk.Select(r => client.SendAsync(r)));
            statuses.AddRange(responses.Select(r => r.StatusCode));
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }

        Assert.Equal(2000, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(1000, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        var after = await MetricsEndpointTests.ScrapeAsync(client, key);

        var seriesBefore = before.Samples.Select(s => s.SeriesKey).ToHashSet(StringComparer.Ordinal);
        var seriesAfter = after.Samples.Select(s => s.SeriesKey).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(seriesAfter.Except(seriesBefore));
        Assert.Equal(seriesBefore.Count, seriesAfter.Count);
        double Delta(params (string, string)[] labels) =>
            after.Sum("gateway_http_server_request_duration_seconds_count", labels) - before.Sum("gateway_http_server_request_duration_seconds_count", labels);
        Assert.Equal(1000, Delta(("http_route", "unmatched"), ("http_response_status_class", "4xx")));
        Assert.Equal(2000, Delta(("http_route", "/v1/chat/completions"), ("http_response_status_class", "4xx")));
        Assert.DoesNotContain(after.Samples, s => s.Labels.Values.Any(v => v.StartsWith("m-", StringComparison.Ordinal) || v.StartsWith("sk-", StringComparison.Ordinal) || v.Contains("/v1/", StringComparison.Ordinal) && v != "/v1/chat/completions" && !v.StartsWith("/v1/models", StringComparison.Ordinal)));
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
