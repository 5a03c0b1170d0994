using Akka.Hosting;

namespace Gateway.Host.Hosting;

/// <summary>The actor system: Serilog-bridged logging, the model registry and its routers, and the health checks.</summary>
internal static class AkkaSetup
{
    public const string LivenessTag = "liveness";
    public const string ReadinessTag = "ready";
    public const int SchedulerTickMilliseconds = 100;

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
                // Akka's scheduler wakes every tick even with nothing scheduled (a .NET timer, then a pool worker
                // that spins before parking): at the default 10 ms that alone cost ~3-4% of a core on an idle
                // gateway. Nothing here needs finer Akka timers than 100 ms (probes run every few seconds; request
                // timeouts use the TimeProvider, not the Akka scheduler).
                .AddHocon($"akka.scheduler.tick-duration = {SchedulerTickMilliseconds}ms", HoconAddMode.Prepend)
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
