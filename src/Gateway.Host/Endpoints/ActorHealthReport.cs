using Gateway.Actors.Routing;

namespace Gateway.Host.Endpoints;

/// <summary>The body of <c>GET /health/actors</c>: a summary (the idle-shutdown script's contract) and each model router with its replicas.</summary>
internal sealed record ActorHealthReport(ActorHealthSummary Summary, IReadOnlyList<ModelStatus> Models);

/// <summary>Totals over every model: requests in flight and queued, last request and start time (ISO-8601 UTC).</summary>
internal sealed record ActorHealthSummary(int InFlight, int Queued, DateTimeOffset? LastRequestAt, DateTimeOffset StartedAt);
