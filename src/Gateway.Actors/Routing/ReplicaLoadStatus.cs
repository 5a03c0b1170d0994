namespace Gateway.Actors.Routing;

/// <summary>The load signals last polled from a replica's <c>/metrics</c>.</summary>
public sealed record ReplicaLoadStatus(double Waiting, double Running, double KvCacheUsage, DateTimeOffset PolledAt);
