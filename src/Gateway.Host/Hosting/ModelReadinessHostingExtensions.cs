using Akka.Hosting;
using Gateway.Actors.Routing;
using Gateway.Host.Health;

namespace Gateway.Host.Hosting;

/// <summary>Adds the readiness check that reads the published model set (tagged for <c>/ready</c>).</summary>
internal static class ModelReadinessHostingExtensions
{
    public static AkkaConfigurationBuilder WithModelReadinessCheck(this AkkaConfigurationBuilder builder, PublishedModelRegistry models) =>
        builder.WithHealthCheck("models", new ModelReadinessCheck(models), tags: [AkkaSetup.ReadinessTag]);
}
