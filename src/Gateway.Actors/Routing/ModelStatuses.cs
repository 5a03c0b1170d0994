namespace Gateway.Actors.Routing;

public sealed record ModelStatuses(IReadOnlyList<ModelStatus> Models);
