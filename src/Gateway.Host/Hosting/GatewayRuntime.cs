using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Http;
using Gateway.Streams.Breaker;
using Gateway.Streams.Accounting;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Host.Hosting;

/// <summary>
/// The long-lived objects built from the settings: the upstream client, the models, limits and keys. Everything
/// that reads time or waits gets the one <see cref="TimeProvider"/> from DI.
/// </summary>
internal sealed class GatewayRuntime : IDisposable
{
    /// <summary>One connection pool: requests go straight to it, probes and polls through <see cref="HttpClient"/>.</summary>
    private readonly SocketsHttpHandler _handler;

    public GatewayRuntime(GatewaySettings settings, TimeProvider time)
    {
        Settings = settings;
        Time = time;
        var upstream = settings.Upstream;
        var connect = TimeSpan.FromSeconds(Math.Min(upstream.ConnectTimeoutSeconds, upstream.RequestTimeoutSeconds));
        _handler = UpstreamHttpClient.CreateHandler(connect, time);
        HttpClient = UpstreamHttpClient.Create(_handler, disposeHandler: false);
        Dispatcher = new VllmDispatcher(UpstreamHttpClient.CreateInvoker(_handler), TimeSpan.FromSeconds(upstream.RequestTimeoutSeconds), time, new DispatchPolicy
        {
            MaxRetries = upstream.MaxRetries,
            TtftTimeout = TimeSpan.FromSeconds(upstream.TtftTimeoutSeconds),
            ConnectTimeout = connect,
        });
        StreamTimeouts = new StreamTimeouts(TimeSpan.FromSeconds(upstream.TtftTimeoutSeconds), TimeSpan.FromSeconds(upstream.IdleTimeoutSeconds), DeferHeaders: true) { Time = time };
        Probe = new UpstreamProbe(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds), time);
        Metrics = new VllmMetricsReader(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds), time);
        PromptTokens = new PromptTokenCounter(HttpClient, TimeSpan.FromSeconds(settings.Upstream.ProbeTimeoutSeconds), time);
        Limiter = new LocalKeyLimiter(settings.RateLimit.MaxKeys, TimeSpan.FromSeconds(settings.RateLimit.IdleEvictSeconds), time);
        Routes = BuildRoutes(settings, time);
        Models = new PublishedModelRegistry(Routes);
        Keys = new PublishedApiKeys(BuildKeys(settings.Auth, settings.RateLimit));
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

    /// <summary>Phase timeouts of a streamed response, after its headers (gateway-wide defaults).</summary>
    public StreamTimeouts StreamTimeouts { get; }

    /// <summary>The queue-wait timeout (gateway-wide default).</summary>
    public TimeSpan QueueTimeout => TimeSpan.FromSeconds(Settings.Upstream.QueueTimeoutSeconds);

    /// <summary>A stream's phase timeouts: the model's own where it has them, else the defaults.</summary>
    public StreamTimeouts StreamTimeoutsFor(PhaseTimeouts model) =>
        model.Ttft is null && model.Idle is null
            ? StreamTimeouts
            : StreamTimeouts with { FirstEvent = model.Ttft ?? StreamTimeouts.FirstEvent, BetweenEvents = model.Idle ?? StreamTimeouts.BetweenEvents };

    /// <summary>A request's queue-wait timeout: the model's own, else the default.</summary>
    public TimeSpan QueueTimeoutFor(PhaseTimeouts model) => model.Queue ?? QueueTimeout;

    /// <summary>Reads each replica's vLLM <c>/metrics</c> in the background (load signals for the picker).</summary>
    public VllmMetricsReader Metrics { get; }

    /// <summary>The models as configured at start-up (what the registry is first told to run).</summary>
    public IReadOnlyList<ModelRoute> Routes { get; }

    /// <summary>The model set the HTTP side reads; published by the model registry actor.</summary>
    public PublishedModelRegistry Models { get; }

    public TimeProvider Time { get; }

    /// <summary>A removed or replaced router waits this long for its requests, which the request timeout bounds.</summary>
    public ModelRouterDependencies RouterDependencies => new(
        Dispatcher, Probe, ProbeInterval, Time, Metrics, TimeSpan.FromSeconds(Settings.Upstream.MetricsIntervalSeconds))
    {
        DrainTimeout = TimeSpan.FromSeconds(Settings.Models.Select(m => m.RequestTimeoutSeconds ?? 0).Append(Settings.Upstream.RequestTimeoutSeconds).Max() + 5),
        RetryBudgetRatio = Settings.Upstream.RetryBudgetPercent / 100,
    };

    /// <summary>The key set in force (a config reload swaps it).</summary>
    public PublishedApiKeys Keys { get; }

    public TimeSpan ProbeInterval => TimeSpan.FromSeconds(Settings.Upstream.ProbeIntervalSeconds);

    public void Dispose()
    {
        HttpClient.Dispose();
        _handler.Dispose();
    }

    /// <summary>The models of <paramref name="settings"/> as routes, each replica with its own breaker.</summary>
    public static IReadOnlyList<ModelRoute> BuildRoutes(GatewaySettings settings, TimeProvider time)
    {
        var shared = SharedByKeys(settings.Auth);
        return [.. settings.Models.Select(m => ToRoute(m, settings.CircuitBreaker, time, shared))];
    }

    /// <summary>
    /// More than one key may call: then one key's share of a model's queue defaults to half of it. With one key (or
    /// auth off on loopback, one user) there is nobody to share with, and the whole queue is that key's.
    /// </summary>
    public static bool SharedByKeys(AuthSettings auth) =>
        auth.Keys.Count + (string.IsNullOrEmpty(auth.BearerToken) ? 0 : 1) > 1;

    /// <summary>
    /// The bearer token and keys of <paramref name="auth"/> as an authenticator; limits a key leaves unset come from
    /// <paramref name="rateLimit"/> (a reload passes the start-up defaults: they need a restart).
    /// </summary>
    public static ApiKeyAuthenticator BuildKeys(AuthSettings auth, RateLimitSettings rateLimit) => new(KeySetFactory.Build(auth, rateLimit));

    private static ModelRoute ToRoute(ModelSettings model, CircuitBreakerSettings breaker, TimeProvider time, bool sharedByKeys) => new()
    {
        ModelId = model.Id,
        UpstreamModel = string.IsNullOrEmpty(model.UpstreamModel) ? model.Id : model.UpstreamModel,
        Endpoints = [.. model.Upstreams.Select((u, i) => new UpstreamEndpoint(
            new Uri(u),
            new UpstreamCircuitBreaker(
                breaker.FailureThreshold,
                TimeSpan.FromSeconds(breaker.CooldownSeconds),
                breaker.Enabled,
                time,
                TimeSpan.FromSeconds(breaker.MaxEjectionSeconds)),
            model.WeightOf(i)))],
        ToolCallParser = model.ToolCallParser,
        UpstreamParsesTools = model.UpstreamParsesTools,
        MaxInFlight = model.MaxInFlight,
        MaxQueue = model.MaxQueue,
        MaxQueuePerKey = model.MaxQueuePerKey > 0 ? model.MaxQueuePerKey
            : sharedByKeys ? Math.Max(1, (model.MaxQueue + 1) / 2) : model.MaxQueue,
        MaxModelLen = model.MaxModelLen,
        LogContent = model.LogContent,
        Timeouts = new PhaseTimeouts
        {
            Connect = Seconds(model.ConnectTimeoutSeconds),
            Queue = Seconds(model.QueueTimeoutSeconds),
            Ttft = Seconds(model.TtftTimeoutSeconds),
            Idle = Seconds(model.IdleTimeoutSeconds),
            Total = Seconds(model.RequestTimeoutSeconds),
        },
    };

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
