using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Routing;
using Gateway.Host.Http;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Endpoints;

/// <summary>
/// Operator views of the actor tree: <c>GET /health/actors</c> (summary plus each model router and replica) and
/// its older alias <c>GET /admin/models</c> (the routers only). Both need a key when auth is on; with auth off
/// they answer loopback callers only. The registry is asked (with <c>Ask</c>): inspection is never on the request path.
/// </summary>
internal static class InspectionEndpoints
{
    private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void MapInspection(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/models", async (HttpContext context, IRequiredActor<ModelRegistryActor> registry, PublishedApiKeys keys, CancellationToken ct) =>
        {
            if (Refused(context, keys))
            {
                await ErrorResponses.WriteAsync(context, GatewayError.RouteNotFound(context.Request.Method, context.Request.Path));
                return;
            }

            var statuses = await AskAsync(registry, ct);
            await context.Response.WriteAsJsonAsync(statuses.Models, InspectionJson.Options, ct);
        });

        app.MapGet("/health/actors", async (HttpContext context, IRequiredActor<ModelRegistryActor> registry, PublishedApiKeys keys, RequestActivity activity, CancellationToken ct) =>
        {
            if (Refused(context, keys))
            {
                await ErrorResponses.WriteAsync(context, GatewayError.RouteNotFound(context.Request.Method, context.Request.Path));
                return;
            }

            var statuses = await AskAsync(registry, ct);
            var summary = new ActorHealthSummary(
                statuses.Models.Sum(m => m.InFlight),
                statuses.Models.Sum(m => m.Queued),
                activity.LastRequestAt,
                activity.StartedAt);
            await context.Response.WriteAsJsonAsync(new ActorHealthReport(summary, statuses.Models), CamelCase, ct);
        });
    }

    private static async Task<ModelStatuses> AskAsync(IRequiredActor<ModelRegistryActor> registry, CancellationToken ct)
    {
        var actor = await registry.GetAsync(ct);
        return await actor.Ask<ModelStatuses>(GetModelStatus.Instance, TimeSpan.FromSeconds(10), ct);
    }

    /// <summary>With auth off (allowed on a loopback bind only), only loopback callers may look.</summary>
    private static bool Refused(HttpContext context, PublishedApiKeys keys) =>
        !keys.Current.Enabled && context.Connection.RemoteIpAddress is { } ip
        && !IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
}
