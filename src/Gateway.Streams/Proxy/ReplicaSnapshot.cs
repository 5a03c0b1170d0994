namespace Gateway.Streams.Proxy;

/// <summary>
/// What a replica's actor last learnt about it, published whole: the last probe (time, verdict, reason), the
/// load signals read from vLLM's <c>/metrics</c>, and whether the model is served there as a LoRA adapter.
/// </summary>
/// <param name="ProbeOk">Null before the first probe.</param>
/// <param name="ServesModel">Null until a probe read <c>/v1/models</c>.</param>
/// <param name="IsAdapter">The replica lists the model with a <c>parent</c> (a LoRA adapter).</param>
/// <param name="MaxModelLen">The context length <c>/v1/models</c> reported, when it did.</param>
public sealed record ReplicaSnapshot(bool? ProbeOk, string ProbeReason, DateTimeOffset? ProbedAt, bool? ServesModel, bool IsAdapter, ReplicaLoad? Load, int? MaxModelLen = null)
{
    public static ReplicaSnapshot NotProbedYet { get; } = new(null, "not probed yet", null, null, false, null);
}
