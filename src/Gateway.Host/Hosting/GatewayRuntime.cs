using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Http;
using Gateway.Streams.Breaker;
using Gateway.Streams.Accounting;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Host.Hosting;

/// <summary>
/// The long-lived objects built from the settings: the upstream client, the models, limits and keys. Everything
/// that reads time or waits gets the one <see cref="TimeProvider"/> from DI.
/// </summary>
internal sealed class GatewayRuntime : IDisposable
{
    public GatewayRuntime(GatewaySettings settings, TimeProvider time)
    {
        Settings = settings;
        Time = time;
        HttpClient = UpstreamHttpClient.Create(TimeSpan.FromSeconds(Math.Min(10, settings.Upstream.RequestTimeoutSeconds)));
        Dispatcher = new VllmDispatcher(HttpClient, TimeSpan.FromSeconds(settings.Upstream.RequestTimeoutSeconds), time);
        PromptTokens = new PromptTokenCounter(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds), time);
        Probe = new UpstreamProbe(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds), time);
        Limiter = new LocalKeyLimiter(settings.RateLimit.MaxKeys, TimeSpan.FromSeconds(settings.RateLimit.IdleEvictSeconds), time);
        Routes = [.. settings.Models.Select(m => ToRoute(m, settings.CircuitBreaker, time))];
        Models = new PublishedModelRegistry(Routes);
        Authenticator = new ApiKeyAuthenticator(KeySetFactory.Build(settings));
    }

    public GatewaySettings Settings { get; }

    public HttpClient HttpClient { get; }

    public VllmDispatcher Dispatcher { get; }

    public UpstreamProbe Probe { get; }

    /// <summary>Counts a cut-short stream's prompt tokens with the replica's <c>/tokenize</c>.</summary>
    public PromptTokenCounter PromptTokens { get; }

    /// <summary>Per-key limits, shared by every model; state kept by key name (survives a reload of the keys).</summary>
    public IKeyLimiter Limiter { get; }

    /// <summary>Usage per key and model since start-up; read by <c>GET /v1/usage</c> and the metrics.</summary>
    public UsageLedger Usage { get; } = new();

    /// <summary>The models as configured at start-up (what the registry is first told to run).</summary>
    public IReadOnlyList<ModelRoute> Routes { get; }

    /// <summary>The model set the HTTP side reads; published by the model registry actor.</summary>
    public PublishedModelRegistry Models { get; }

    public TimeProvider Time { get; }

    public ModelRouterDependencies RouterDependencies => new(Dispatcher, Probe, ProbeInterval, Time);

    public ApiKeyAuthenticator Authenticator { get; }

    public TimeSpan ProbeInterval => TimeSpan.FromSeconds(Settings.Upstream.ProbeIntervalSeconds);

    public void Dispose() => HttpClient.Dispose();

    private static ModelRoute ToRoute(ModelSettings model, CircuitBreakerSettings breaker, TimeProvider time) => new()
    {
        ModelId = model.Id,
        UpstreamModel = string.IsNullOrEmpty(model.UpstreamModel) ? model.Id : model.UpstreamModel,
        Endpoints = [.. model.Upstreams.Select(u => new UpstreamEndpoint(
            new Uri(u),
            new UpstreamCircuitBreaker(breaker.FailureThreshold, TimeSpan.FromSeconds(breaker.CooldownSeconds), breaker.Enabled, time)))],
        ToolCallParser = model.ToolCallParser,
        UpstreamParsesTools = model.UpstreamParsesTools,
        MaxInFlight = model.MaxInFlight,
        MaxQueue = model.MaxQueue,
        MaxQueuePerKey = model.MaxQueuePerKey > 0 ? model.MaxQueuePerKey : Math.Max(1, (model.MaxQueue + 1) / 2),
        MaxModelLen = model.MaxModelLen,
    };
}
