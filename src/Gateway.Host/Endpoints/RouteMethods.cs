using Microsoft.AspNetCore.Routing.Template;

namespace Gateway.Host.Endpoints;

/// <summary>
/// The HTTP methods the app's routes accept for a path, read from the endpoint table itself, so a route added
/// anywhere (<c>MapGet</c>, <c>MapPost</c>, health checks) answers a wrong method with 405 and the right <c>Allow</c>.
/// Used only on the fallback path (a request no route took).
/// </summary>
internal static class RouteMethods
{
    public static IReadOnlyList<string> Allowed(EndpointDataSource endpoints, PathString path)
    {
        var allowed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods || endpoint.RoutePattern.RawText is null)
            {
                continue; // the fallback itself, and routes open to every method
            }

            var matcher = new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary());
            if (matcher.TryMatch(path, new RouteValueDictionary()))
            {
                allowed.UnionWith(methods.HttpMethods);
            }
        }

        return [.. allowed];
    }
}
