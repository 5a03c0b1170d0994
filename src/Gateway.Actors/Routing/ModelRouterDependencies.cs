using Gateway.Streams.Limits;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>What every model router shares: the rate limiter, the dispatcher, the probe and its interval, and the clock.</summary>
public sealed record ModelRouterDependencies(
    IRateLimiter Limiter,
    VllmDispatcher Dispatcher,
    UpstreamProbe Probe,
    TimeSpan ProbeInterval,
    TimeProvider Time)
{
    /// <summary>
    /// How long a removed or replaced router waits for its admitted requests (streams included) before it stops
    /// anyway. The host sets it just above the upstream request timeout, which bounds every request.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
