using Gateway.Host.Configuration;
using Gateway.Simulator;
using Gateway.Streams.ToolCalls.Parsers;

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

        // Pacing, max_tokens and capacity are the standalone simulator's defaults (no delays: it answers at once);
        // requests pace themselves with vllm_sim.ttft_ms / itl_ms. The markup follows the first model's parser.
        var options = new SimulatorOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            Models = names,
            ToolMarkup = ToolMarkupFor(settings.Models[0]) ?? new SimulatorOptions().ToolMarkup,
            EnableAutoToolChoice = settings.Models.Exists(m => m.UpstreamParsesTools),
        };
        var simulator = await SimulatorServer.StartAsync(options);
        foreach (var model in settings.Models)
        {
            model.Upstreams.Add(simulator.BaseUrl.ToString());
        }

        return simulator;
    }

    /// <summary>The raw markup family a model's parser reads (<c>auto</c> resolved by name); null for <c>none</c>.</summary>
    public static string? ToolMarkupFor(ModelSettings model)
    {
        var parser = string.Equals(model.ToolCallParser, ToolCallParserRegistry.Auto, StringComparison.OrdinalIgnoreCase)
            ? ToolCallParserRegistry.ResolveAuto(string.IsNullOrEmpty(model.UpstreamModel) ? model.Id : model.UpstreamModel)
            : model.ToolCallParser;
        return ToolCallParserRegistry.Names.Contains(parser, StringComparer.OrdinalIgnoreCase) ? parser.ToLowerInvariant() : null;
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
