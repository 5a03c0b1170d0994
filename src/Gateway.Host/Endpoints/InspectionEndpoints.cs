using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Routing;

namespace Gateway.Host.Endpoints;

/// <summary>Operator views of the actor tree: each model router's state, replicas, breakers and queue.</summary>
internal static class InspectionEndpoints
{
    public static void MapInspection(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/models", async (IRequiredActor<ModelRegistryActor> registry, CancellationToken ct) =>
        {
            var actor = await registry.GetAsync(ct);
            var statuses = await actor.Ask<ModelStatuses>(GetModelStatus.Instance, TimeSpan.FromSeconds(10), ct);
            return Results.Json(statuses.Models, InspectionJson.Options);
        });
    }
}
