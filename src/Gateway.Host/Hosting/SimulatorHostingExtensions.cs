using Gateway.Host.Configuration;
using Gateway.Simulator;

namespace Gateway.Host.Hosting;

/// <summary>The embedded vLLM simulator, started when no upstream is configured (and registered so it lives as long as the app).</summary>
internal static class SimulatorHostingExtensions
{
    /// <summary>Starts the simulator and points every model at it; null when real upstreams are configured.</summary>
    public static async Task<SimulatorServer?> StartEmbeddedSimulatorAsync(this GatewaySettings settings)
    {
        if (!settings.Simulated)
        {
            return null;
        }

        var names = settings.Models.Select(m => string.IsNullOrEmpty(m.UpstreamModel) ? m.Id : m.UpstreamModel).Distinct().ToList();
        var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Host = "127.0.0.1", Port = 0, Models = names, ItlMs = 5 });
        foreach (var model in settings.Models)
        {
            model.Upstreams.Add(simulator.BaseUrl.ToString());
        }

        return simulator;
    }

    public static IServiceCollection AddEmbeddedSimulator(this IServiceCollection services, SimulatorServer? simulator)
    {
        if (simulator is not null)
        {
            services.AddSingleton(simulator);
        }

        return services;
    }
}
