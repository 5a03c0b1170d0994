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
    IReadOnlyList<ReplicaStatus> Replicas)
{
    /// <summary>The last pick found no replica in service and routed to the least bad one.</summary>
    public bool Panicking { get; init; }

    /// <summary>Requests routed while no replica was in service, since the router started.</summary>
    public long PanicRoutes { get; init; }
}
