using Gateway.Host.Endpoints;
using Gateway.Host.Health;
using Gateway.Host.Http;
using Gateway.Streams.Proxy;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Gateway.Host.Hosting;

/// <summary>The middleware order and every route: relayed POST routes, models, probes, inspection, and the JSON fallback.</summary>
internal static class RouteHostingExtensions
{
    public static WebApplication MapGatewayRoutes(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<RequestLoggingMiddleware>();
        app.UseExceptionHandler(errors => errors.Run(context => ErrorResponses.WriteAsync(context, GatewayError.InternalError())));
        app.UseMiddleware<ClientLimitsMiddleware>();
        app.UseMiddleware<DrainGateMiddleware>();
        app.UseGatewayAuth();
        app.UseGatewayMetrics(app.Services.GetRequiredService<Configuration.GatewaySettings>().Metrics);

        var proxy = app.Services.GetRequiredService<ProxyEndpoint>();
        foreach (var route in ProxyRoute.All)
        {
            app.MapPost(route.Path, (HttpContext context) => proxy.HandleAsync(context, route));
        }

        var models = app.Services.GetRequiredService<ModelsEndpoint>();
        app.MapGet("/v1/models", models.ListAsync);
        app.MapGet("/v1/models/{**id}", (HttpContext context, string id) => models.GetAsync(context, id));
        app.MapGet("/v1/usage", app.Services.GetRequiredService<UsageEndpoint>().GetAsync);

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(AkkaSetup.LivenessTag),
            ResponseWriter = HealthResponseWriter.WriteLivenessAsync,
        });
        app.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(AkkaSetup.ReadinessTag),
            ResponseWriter = HealthResponseWriter.WriteReadinessAsync,
        });
        app.MapInspection();
        app.MapAdminConfig();

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>();
        app.MapFallback(context =>
        {
            var path = context.Request.Path.Value ?? "";
            var allowed = RouteMethods.Allowed(endpoints, context.Request.Path);
            if (allowed.Count > 0)
            {
                var allow = string.Join(", ", allowed);
                context.Response.Headers.Allow = allow;
                return ErrorResponses.WriteAsync(context, GatewayError.MethodNotAllowed(context.Request.Method, path, allow));
            }

            return ErrorResponses.WriteAsync(context, GatewayError.RouteNotFound(context.Request.Method, path));
        });
        return app;
    }
}
