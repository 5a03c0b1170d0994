using Akka.Hosting;
using Gateway.Actors.Scheduling;

namespace Gateway.Host.Hosting;

/// <summary>The actor system: Serilog-bridged logging, the model registry and its routers, and the health checks.</summary>
internal static class AkkaSetup
{
    public const string LivenessTag = "liveness";
    public const string ReadinessTag = "ready";

    public static IServiceCollection AddGatewayActors(this IServiceCollection services, Akka.Event.LogLevel logLevel)
    {
        services.AddHealthChecks();
        services.AddAkka("gateway", (builder, provider) =>
        {
            var runtime = provider.GetRequiredService<GatewayRuntime>();
            var drain = provider.GetRequiredService<Shutdown.GatewayDrain>();
            builder
                // On SIGTERM the drain runs first, as CoordinatedShutdown phases started by GatewayDrainService, while
                // Kestrel still listens; then Kestrel stops, then the actor system. Akka's own process-exit hook
                // would terminate it at once, killing live streams.
                .AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend)
                // Akka's default scheduler ticks even with nothing scheduled (a .NET timer, then a pool worker):
                // most of an idle gateway's CPU. This one arms a timer per scheduled task and sleeps otherwise.
                .AddHocon($"akka.scheduler.implementation = \"{typeof(OnDemandScheduler).AssemblyQualifiedName}\"", HoconAddMode.Prepend)
                // Each model's pipeline graph runs on the thread that hands it a request (see PipelineDispatcher).
                .AddHocon(Gateway.Streams.Pipeline.PipelineDispatcher.Hocon, HoconAddMode.Prepend)
                .ConfigureLoggers(loggers =>
                {
                    loggers.LogLevel = logLevel;
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .WithActorSystemLivenessCheck(tags: [LivenessTag])
                .WithModelReadinessCheck(runtime.Models)
                .WithModelRouters(runtime)
                .WithGatewayDrain(drain, runtime.Settings.Server);
        });
        return services;
    }
}
