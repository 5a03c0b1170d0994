using Gateway.Host.Configuration;
using Gateway.Host.Shutdown;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Gateway.Host.Hosting;

/// <summary>Kestrel: listen address, client limits, no Server header, and the host's shutdown budget for the drain.</summary>
internal static class KestrelHostingExtensions
{
    /// <summary>Time the host keeps after the drain for Kestrel and the actor system to stop.</summary>
    public static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder ConfigureGatewayKestrel(this WebApplicationBuilder builder, GatewaySettings settings)
    {
        var server = settings.Server;
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout =
            TimeSpan.FromSeconds(server.DrainDelaySeconds + server.DrainTimeoutSeconds) + GatewayDrain.EndGrace + StopMargin);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The body cap is enforced by the proxy endpoint with a JSON 413; Kestrel's own limit is a backstop.
            kestrel.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes + (64 * 1024);
            ApplyClientLimits(kestrel.Limits, server.Limits);
        });
        // The separate metrics port (when set) listens on loopback only.
        builder.WebHost.UseUrls(settings.Metrics.Port == 0
            ? [ListenUrl(server)]
            : [ListenUrl(server), $"http://127.0.0.1:{settings.Metrics.Port}"]);
        return builder;
    }

    /// <summary>
    /// Header and request-line caps are checked by <see cref="Http.ClientLimitsMiddleware"/> (JSON 431/414); Kestrel
    /// gets twice as much, a backstop that bounds memory. Timeouts, rates and connection counts are Kestrel's alone.
    /// </summary>
    public static void ApplyClientLimits(KestrelServerLimits kestrel, ClientLimitsSettings limits)
    {
        kestrel.MaxRequestHeadersTotalSize = 2 * limits.MaxRequestHeadersTotalBytes;
        kestrel.MaxRequestHeaderCount = 2 * limits.MaxRequestHeaderCount;
        kestrel.MaxRequestLineSize = (2 * limits.MaxRequestTargetBytes) + 64;
        kestrel.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
        kestrel.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(limits.MinRequestBodyGraceSeconds))
            : null;
        kestrel.MaxConcurrentConnections = limits.MaxConcurrentConnections;
        kestrel.MaxConcurrentUpgradedConnections = limits.MaxConcurrentUpgradedConnections;
        kestrel.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
    }

    private static string ListenUrl(ServerSettings server)
    {
        var host = server.Host.Contains(':', StringComparison.Ordinal) && !server.Host.StartsWith('[') ? $"[{server.Host}]" : server.Host;
        return $"http://{host}:{server.Port}";
    }
}
