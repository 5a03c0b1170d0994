using Gateway.Streams.Pipeline;

namespace Gateway.Actors.Routing;

/// <summary>Asks a router (or the registry, for all of them) for its model's state (inspection endpoints; never on the request path).</summary>
public sealed record GetModelStatus
{
    public static GetModelStatus Instance { get; } = new();
}

/// <summary>The model's picker started (true) or stopped (false) routing with no replica in service.</summary>
internal sealed record PanicRoutingChanged(bool Panicking);

internal sealed record PipelineStopped(ModelPipeline Pipeline, Exception? Cause);

/// <summary>
/// From the registry to a router it no longer lists (model removed or replaced): stop taking requests, let the
/// admitted ones finish (streams included), then stop.
/// </summary>
internal sealed record DrainRouter
{
    public static DrainRouter Instance { get; } = new();
}

internal sealed record DrainTimedOut
{
    public static DrainTimedOut Instance { get; } = new();
}
