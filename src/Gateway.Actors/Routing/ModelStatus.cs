namespace Gateway.Actors.Routing;

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
