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
}
