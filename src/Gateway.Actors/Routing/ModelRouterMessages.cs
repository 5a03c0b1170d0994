using Gateway.Streams.Pipeline;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>Asks a router (or the registry, for all of them) for its model's state (inspection endpoints; never on the request path).</summary>
public sealed record GetModelStatus
{
    public static GetModelStatus Instance { get; } = new();
}

internal sealed record ProbeTick
{
    public static ProbeTick Instance { get; } = new();
}

internal sealed record ProbeCompleted(IReadOnlyList<ProbeResult> Results);

internal sealed record PipelineStopped(ModelPipeline Pipeline, Exception? Cause);
