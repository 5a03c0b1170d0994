using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Host.Http;
using Gateway.Host.Reload;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Endpoints;

/// <summary>
/// <c>GET /admin/config</c>: the configuration in force (secrets masked) and how the last reload went. Only for a key
/// with <c>"admin": true</c>; with authentication off, only for loopback callers.
/// </summary>
internal static class AdminConfigEndpoint
{
    public const string Path = "/admin/config";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void MapAdminConfig(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (HttpContext context, ConfigReloader reloader, PublishedApiKeys keys) =>
            MayRead(context, keys)
                ? Results.Json(Render(reloader), Json).ExecuteAsync(context)
                : ErrorResponses.WriteAsync(context, GatewayError.AdminKeyRequired(Path)));

    public static bool MayRead(HttpContext context, PublishedApiKeys keys) =>
        keys.Current.Enabled
            ? GatewayRequestFeature.Of(context).Identity is { Admin: true }
            : context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static JsonObject Render(ConfigReloader reloader)
    {
        var status = reloader.Status;
        var (startup, live) = reloader.Active;
        var last = status.Last;
        return new JsonObject
        {
            ["config"] = SettingsView.Render(startup, live),
            ["reload"] = new JsonObject
            {
                ["enabled"] = status.Enabled,
                ["configFile"] = status.ConfigFile,
                ["generation"] = status.Generation,
                ["attempts"] = status.Attempts,
                ["rejected"] = status.Rejected,
                ["restartRequired"] = new JsonArray([.. status.RestartRequired.Select(k => JsonValue.Create(k))]),
                ["last"] = last is null ? null : new JsonObject
                {
                    ["at"] = last.At.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["trigger"] = last.Trigger,
                    ["result"] = last.Outcome,
                    ["errors"] = new JsonArray([.. last.Errors.Select(e => JsonValue.Create(e))]),
                    ["restartRequired"] = new JsonArray([.. last.RestartRequired.Select(k => JsonValue.Create(k))]),
                },
            },
        };
    }
}
