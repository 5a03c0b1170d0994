using Gateway.Host.Configuration;

namespace Gateway.Host.Hosting;

/// <summary>Kestrel: listen address, body-size backstop, no Server header, and the drain timeout on shutdown.</summary>
internal static class KestrelHostingExtensions
{
    public static WebApplicationBuilder ConfigureGatewayKestrel(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(settings.Server.DrainTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body cap is enforced by the proxy endpoint with a JSON 413; Kestrel's own limit is a backstop.
            kestrel.Limits.MaxRequestBodySize = settings.Server.MaxRequestBodyBytes + (64 * 1024);
        });
        // The separate metrics port (when set) listens on loopback only.
        builder.WebHost.UseUrls(settings.Metrics.Port == 0
            ? [ListenUrl(settings.Server)]
            : [ListenUrl(settings.Server), $"http://127.0.0.1:{settings.Metrics.Port}"]);
        return builder;
    }

    private static string ListenUrl(ServerSettings server)
    {
        var host = server.Host.Contains(':', StringComparison.Ordinal) && !server.Host.StartsWith('[') ? $"[{server.Host}]" : server.Host;
        return $"http://{host}:{server.Port}";
    }
}
