using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Http;
using Gateway.Streams.Breaker;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Host.Hosting;

/// <summary>The long-lived objects built from the settings: the upstream client, the models, limits and keys.</summary>
internal sealed class GatewayRuntime : IDisposable
{
    public GatewayRuntime(GatewaySettings settings)
    {
        Settings = settings;
        HttpClient = UpstreamHttpClient.Create(TimeSpan.FromSeconds(Math.Min(10, settings.Upstream.RequestTimeoutSeconds)));
        Dispatcher = new VllmDispatcher(HttpClient, TimeSpan.FromSeconds(settings.Upstream.RequestTimeoutSeconds));
        Probe = new UpstreamProbe(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds));
        RateLimiter = new TokenBucketRateLimiter(
            settings.RateLimit.RequestsPerMinute,
            settings.RateLimit.MaxKeys,
            TimeSpan.FromSeconds(settings.RateLimit.IdleEvictSeconds));
        Catalog = new ModelCatalog(settings.Models.Select(m => new ModelHandle(ToRoute(m, settings.CircuitBreaker))));
        Authenticator = new ApiKeyAuthenticator(Keys(settings.Auth));
    }

    public GatewaySettings Settings { get; }

    public HttpClient HttpClient { get; }

    public VllmDispatcher Dispatcher { get; }

    public UpstreamProbe Probe { get; }

    public IRateLimiter RateLimiter { get; }

    public ModelCatalog Catalog { get; }

    public ApiKeyAuthenticator Authenticator { get; }

    public TimeSpan ProbeInterval => TimeSpan.FromSeconds(Settings.Upstream.ProbeIntervalSeconds);

    public void Dispose() => HttpClient.Dispose();

    private static ModelRoute ToRoute(ModelSettings model, CircuitBreakerSettings breaker) => new()
    {
        ModelId = model.Id,
        UpstreamModel = string.IsNullOrEmpty(model.UpstreamModel) ? model.Id : model.UpstreamModel,
        Endpoints = [.. model.Upstreams.Select(u => new UpstreamEndpoint(
            new Uri(u),
            new UpstreamCircuitBreaker(breaker.FailureThreshold, TimeSpan.FromSeconds(breaker.CooldownSeconds), breaker.Enabled)))],
        ToolCallParser = model.ToolCallParser,
        UpstreamParsesTools = model.UpstreamParsesTools,
        MaxInFlight = model.MaxInFlight,
        MaxQueue = model.MaxQueue,
    };

    private static IEnumerable<(string Key, string Name, IEnumerable<string> AllowedModels)> Keys(AuthSettings auth)
    {
        if (!string.IsNullOrEmpty(auth.BearerToken))
        {
            yield return (auth.BearerToken, "default", []);
        }

        foreach (var key in auth.Keys)
        {
            yield return (key.Key, key.Name, key.AllowedModels);
        }
    }
}
