namespace Gateway.Actors.Routing;

/// <summary>One replica as <c>/health/actors</c> shows it (fields documented in the README).</summary>
public sealed record ReplicaStatus
{
    public required string Upstream { get; init; }

    public required string ActorPath { get; init; }

    public double Weight { get; init; } = 1;

    /// <summary>Probe passed (or not probed yet), not ejected and not suspect: the picker prefers it.</summary>
    public bool InService { get; init; }

    /// <summary>A gateway failure was just seen and the probe it asked for has not answered yet (out of the picker's choice meanwhile).</summary>
    public bool Suspect { get; init; }

    /// <summary>The last probe passed.</summary>
    public bool Ready { get; init; }

    public string Reason { get; init; } = "";

    public DateTimeOffset? LastProbeAt { get; init; }

    /// <summary><c>Closed</c> (in service), <c>Open</c> (ejected) or <c>HalfOpen</c> (one trial request allowed).</summary>
    public string Breaker { get; init; } = "Closed";

    public string? EjectionReason { get; init; }

    /// <summary>While ejected: when its trial comes at the latest (a passing probe brings it sooner).</summary>
    public DateTimeOffset? ReturnsAt { get; init; }

    public int EjectionsInARow { get; init; }

    public int ConsecutiveFailures { get; init; }

    public int InFlight { get; init; }

    public bool IsAdapter { get; init; }

    public ReplicaLoadStatus? Load { get; init; }

    public long GatewayFailures { get; init; }

    public string? LastGatewayFailure { get; init; }

    public DateTimeOffset? LastGatewayFailureAt { get; init; }

    public long RequestSpecificFailures { get; init; }

    public long Retries { get; init; }
}
