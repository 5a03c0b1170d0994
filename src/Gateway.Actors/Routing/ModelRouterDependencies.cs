using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// What every model router shares: the dispatcher, the probe and its interval, the clock, and the <c>/metrics</c>
/// reader with its poll interval (no polling when <paramref name="Metrics"/> is null). Per-key limits are checked
/// on the HTTP side before a request reaches a router, so no limiter is shared here.
/// </summary>
public sealed record ModelRouterDependencies(
    VllmDispatcher Dispatcher,
    UpstreamProbe Probe,
    TimeSpan ProbeInterval,
    TimeProvider Time,
    VllmMetricsReader? Metrics = null,
    TimeSpan MetricsInterval = default)
{
    /// <summary>
    /// How long a removed or replaced router waits for its admitted requests (streams included) before it stops
    /// anyway. The host sets it just above the upstream request timeout, which bounds every request.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Retries may be at most this share of a model's requests over the retry budget's window.</summary>
    public double RetryBudgetRatio { get; init; } = 0.2;
}
