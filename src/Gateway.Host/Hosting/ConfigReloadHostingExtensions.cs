using Akka.Hosting;
using Gateway.Actors.Routing;
using Gateway.Host.Reload;
using Gateway.Simulator;

namespace Gateway.Host.Hosting;

/// <summary>Config reload: the reloader (always, for <c>/admin/config</c>) and, when started from configuration sources, its triggers (file watch, SIGHUP).</summary>
internal static class ConfigReloadHostingExtensions
{
    public static IServiceCollection AddGatewayConfigReload(this IServiceCollection services, ReloadableConfiguration? configuration)
    {
        services.AddSingleton(sp => new ConfigReloader(
            configuration,
            sp.GetRequiredService<GatewayRuntime>(),
            sp.GetRequiredService<IRequiredActor<ModelRegistryActor>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ConfigReloader>>(),
            sp.GetService<SimulatorServer>(),
            sp.GetService<Observability.SecretRedactor>()));
        if (configuration is not null)
        {
            services.AddHostedService<ConfigReloadTriggers>();
        }

        return services;
    }
}
