using Gateway.Streams.Stages;
using Gateway.Streams.Pipeline;

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
            || !current.Endpoints.Select(e => (e.BaseUri, e.Weight)).SequenceEqual(next.Endpoints.Select(e => (e.BaseUri, e.Weight))));
}
