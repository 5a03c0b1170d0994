namespace Gateway.Actors.Routing;

/// <summary>A model's readiness as its router last saw it.</summary>
public sealed record ModelReadiness(bool Ready, string Reason, DateTimeOffset? CheckedAt, int? MaxModelLen)
{
    public static ModelReadiness NotProbedYet { get; } = new(false, "not probed yet", null, null);
}
