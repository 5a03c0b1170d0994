using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>Probe the replica now; <paramref name="CountFailure"/>: a failed probe counts as a gateway failure.</summary>
internal sealed record ProbeReplica(string Reason, bool CountFailure);

internal sealed record ReplicaProbed(ProbeResult Probe, bool CountFailure);

internal sealed record PollReplicaMetrics
{
    public static PollReplicaMetrics Instance { get; } = new();
}

internal sealed record ReplicaMetricsPolled(ReplicaLoad? Load);

internal sealed record ReplicaBreakerChanged(CircuitState State);

internal sealed record ReplicaGatewayFailure(string Reason);

/// <summary>A replica actor tells its router what changed: its latest state for readiness and inspection.</summary>
internal sealed record ReplicaStateChanged(UpstreamEndpoint Endpoint, ReplicaStatus Status);
