namespace Gateway.Soak;

/// <summary>The counters that must not grow, read at one moment.</summary>
internal sealed record Snapshot(
    double ElapsedSeconds,
    long WorkingSetBytes,
    long GcHeapBytes,
    int Threads,
    int Actors,
    int ClientConnections,
    int UpstreamConnections,
    int GatewayInFlight,
    int GatewayQueued,
    int ReplicaInFlight,
    long SimulatorInFlight);
