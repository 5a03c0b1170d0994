using System.Diagnostics.Metrics;
using Gateway.Actors.Routing;
using Gateway.Host.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Host.Tests.Support;

/// <summary>Stand-alone gateway instruments for unit tests (their own meter factory, no models).</summary>
internal static class TestTelemetry
{
    public static GatewayMetrics Metrics(PublishedModelRegistry? models = null) =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), models ?? new PublishedModelRegistry([]));

    /// <summary>An access log writing to <paramref name="sink"/> (every level), as the gateway's Serilog pipeline would.</summary>
    public static AccessLog AccessLog(CapturingSink sink, TimeProvider? time = null) =>
        new(new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(), time ?? TimeProvider.System);
}
