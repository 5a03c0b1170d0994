namespace Gateway.Streams.Proxy;

/// <summary>A replica's load as vLLM reports it on <c>/metrics</c> (summed over the served models), and when it was read.</summary>
public sealed record ReplicaLoad(double Waiting, double Running, double KvCacheUsage, DateTimeOffset PolledAt);
