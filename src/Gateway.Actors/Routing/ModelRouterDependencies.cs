using Gateway.Streams.Limits;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// What every model router shares: the rate limiter, the dispatcher, the probe and its interval, the clock, and
/// the <c>/metrics</c> reader with its poll interval (no polling when <paramref name="Metrics"/> is null).
/// </summary>
public sealed record ModelRouterDependencies(
    IRateLimiter Limiter,
    VllmDispatcher Dispatcher,
    UpstreamProbe Probe,
    TimeSpan ProbeInterval,
    TimeProvider Time,
    VllmMetricsReader? Metrics = null,
    TimeSpan MetricsInterval = default);
