using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>What every model router shares: the dispatcher, the probe and its interval, and the clock.</summary>
public sealed record ModelRouterDependencies(
    VllmDispatcher Dispatcher,
    UpstreamProbe Probe,
    TimeSpan ProbeInterval,
    TimeProvider Time);
