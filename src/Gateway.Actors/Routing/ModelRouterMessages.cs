using Gateway.Streams.Pipeline;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>Asks a router (or the registry, for all of them) for its model's state (inspection endpoints; never on the request path).</summary>
public sealed record GetModelStatus
{
    public static GetModelStatus Instance { get; } = new();
}

public sealed record ReplicaStatus(string Upstream, string Breaker, int InFlight, bool Ready, string Reason);

public sealed record ModelStatus(
    string ModelId,
    string UpstreamModel,
    string ActorPath,
    bool Ready,
    string Reason,
    DateTimeOffset? CheckedAt,
    int InFlight,
    int Queued,
    int MaxInFlight,
    int MaxQueue,
    bool PipelineRunning,
    int PipelineRestarts,
    IReadOnlyList<ReplicaStatus> Replicas);

internal sealed record ProbeTick
{
    public static ProbeTick Instance { get; } = new();
}

internal sealed record ProbeCompleted(IReadOnlyList<ProbeResult> Results);

internal sealed record PipelineStopped(ModelPipeline Pipeline, Exception? Cause);
