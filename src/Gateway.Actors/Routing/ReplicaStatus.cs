namespace Gateway.Actors.Routing;

public sealed record ReplicaStatus(string Upstream, string Breaker, int InFlight, bool Ready, string Reason);
