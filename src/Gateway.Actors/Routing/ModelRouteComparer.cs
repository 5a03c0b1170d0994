using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;

namespace Gateway.Actors.Routing;

/// <summary>Whether a model's route changed in a way its router must be replaced for.</summary>
internal static class ModelRouteComparer
{
    public static bool Changed(ModelRoute current, ModelRoute next) =>
        !ReferenceEquals(current, next)
        && (!string.Equals(current.UpstreamModel, next.UpstreamModel, StringComparison.Ordinal)
            || !string.Equals(current.ToolCallParser, next.ToolCallParser, StringComparison.OrdinalIgnoreCase)
            || current.UpstreamParsesTools != next.UpstreamParsesTools
            || current.MaxInFlight != next.MaxInFlight
            || current.MaxQueue != next.MaxQueue
            || current.LogContent != next.LogContent
            || !current.Endpoints.Select(Replica).SequenceEqual(next.Endpoints.Select(Replica)));

    // A replica as configured: its URL, weight and breaker settings (not its live state).
    private static (Uri BaseUri, double Weight, bool Enabled, int FailureThreshold, TimeSpan Cooldown) Replica(UpstreamEndpoint endpoint) =>
        (endpoint.BaseUri, endpoint.Weight, endpoint.Breaker.Enabled, endpoint.Breaker.FailureThreshold, endpoint.Breaker.Cooldown);
}
