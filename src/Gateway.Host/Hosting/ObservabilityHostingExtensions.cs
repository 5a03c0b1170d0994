using System.Diagnostics.Metrics;
using Gateway.Host.Configuration;
using Gateway.Host.Observability;
using Gateway.Streams.ToolCalls.Parsers;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Host.Hosting;

/// <summary>
/// Metrics and traces: the gateway's meters exported by OpenTelemetry's Prometheus exporter on <c>GET /metrics</c>,
/// and, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, the request, queue, upstream-attempt and relay spans
/// over OTLP. With no exporter attached the spans cost nothing (no listener, no <c>Activity</c>).
/// </summary>
internal static class ObservabilityHostingExtensions
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string MetricsPath = "/metrics";

    /// <summary>The ASP.NET Core hosting source whose server span (inbound <c>traceparent</c> honoured) is the request span.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";

    public static WebApplicationBuilder AddGatewayObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<ContentLog>();
        services.AddSingleton<AccessLog>();
        services.AddSingleton<RequestTelemetry>();
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("gateway"))
            .WithMetrics(metrics => metrics
                .AddMeter(TelemetryNames.MeterName, ToolCallMetrics.MeterName)
                // Only this app's meter (its IMeterFactory's): several gateways in one process (the tests) never mix series.
                .OnlyOwnGatewayMeter()
                .AddPrometheusExporter(o =>
                {
                    // Scrapes are rare (every 15 s or so) and must show the latest counts.
                    o.ScrapeResponseCacheDurationMilliseconds = 0;
                    o.DisableTotalNameSuffixForCounters = false;
                }));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            otel.WithTracing(tracing => tracing
                .AddSource(TelemetryNames.ActivitySourceName, AspNetCoreSource)
                .AddOtlpExporter());
        }

        return builder;
    }

    private static MeterProviderBuilder OnlyOwnGatewayMeter(this MeterProviderBuilder builder)
    {
        ((IDeferredMeterProviderBuilder)builder).Configure((sp, b) =>
        {
            var own = sp.GetRequiredService<IMeterFactory>();
            b.AddView(i => i.Meter.Name == TelemetryNames.MeterName && !ReferenceEquals(i.Meter.Scope, own) ? MetricStreamConfiguration.Drop : null);
        });
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c> after authentication (which lets it through unless <c>Gateway:Metrics:RequireKey</c>). With
    /// <c>Gateway:Metrics:Port</c> set it is served on that loopback port only, and that port serves nothing else.
    /// </summary>
    public static WebApplication UseGatewayMetrics(this WebApplication app, MetricsSettings settings)
    {
        var port = settings.Port;
        if (port != 0)
        {
            app.Use((context, next) =>
                context.Connection.LocalPort == port && !context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal)
                    ? Http.ErrorResponses.WriteAsync(context, Streams.Proxy.GatewayError.RouteNotFound(context.Request.Method, context.Request.Path.Value ?? ""))
                    : next(context));
        }

        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal) && (port == 0 || context.Connection.LocalPort == port));
        return app;
    }
}
