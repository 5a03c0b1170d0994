using System.Net;
using System.Net.Http.Headers;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Observability;

public sealed class MetricsAccessTests
{
    [Fact]
    public async Task Metrics_are_open_by_default_even_with_keys_configured()
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Auth.Keys = [new ApiKeySettings { Name = "ci", Key = "sk-metrics-open-1" }]);
        using var response = await gateway.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_separate_loopback_port_serves_only_metrics_and_can_require_a_key()
    {
        const string key = "sk-metrics-key-1";
        var port = Loopback.FreePort();
        await using var gateway = await RunningGateway.StartAsync(s =>
        {
            s.Auth.Keys = [new ApiKeySettings { Name = "ops", Key = key }];
            s.Metrics.Port = port;
            s.Metrics.RequireKey = true;
        });
        using var metricsClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using (var onMain = await gateway.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative)), key)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(onMain, HttpStatusCode.NotFound, "not_found");
        }

        using (var noKey = await metricsClient.GetAsync(new Uri("/metrics", UriKind.Relative)))
        {
            await ErrorAssert.IsOpenAiErrorAsync(noKey, HttpStatusCode.Unauthorized, "missing_bearer_token");
        }

        var scrape = await MetricsEndpointTests.ScrapeAsync(metricsClient, key);
        Assert.True(scrape.Has("gateway_model_ready", ("gen_ai_request_model", "test-model")));

        using var api = await metricsClient.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models", UriKind.Relative)), key));
        await ErrorAssert.IsOpenAiErrorAsync(api, HttpStatusCode.NotFound, "not_found");
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }
}
