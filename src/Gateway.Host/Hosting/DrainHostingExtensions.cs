using System.Globalization;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Gateway.Host.Configuration;
using Gateway.Host.Shutdown;

namespace Gateway.Host.Hosting;

/// <summary>
/// The shutdown drain: <see cref="GatewayDrain"/>, the service that starts it when the host stops, the
/// <c>/ready</c> check that says <c>draining</c>, and its three tasks in Akka's <c>CoordinatedShutdown</c> phases.
/// </summary>
internal static class DrainHostingExtensions
{
    /// <summary>Headroom each drain phase gets over its own wait before CoordinatedShutdown gives up on it.</summary>
    private static readonly TimeSpan PhaseMargin = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddGatewayDrain(this IServiceCollection services)
    {
        services.AddSingleton<GatewayDrain>();
        services.AddHostedService<GatewayDrainService>();
        services.AddHealthChecks().AddCheck<DrainReadinessCheck>(DrainReadinessCheck.Name, tags: [AkkaSetup.ReadinessTag]);
        return services;
    }

    /// <summary>
    /// <c>before-service-unbind</c>: <c>/ready</c> says draining, requests are served for the drain delay;
    /// <c>service-unbind</c>: new requests are refused with 503 <c>shutting_down</c>;
    /// <c>service-requests-done</c>: requests in flight finish, up to the drain timeout, then the rest are ended.
    /// </summary>
    public static AkkaConfigurationBuilder WithGatewayDrain(this AkkaConfigurationBuilder builder, GatewayDrain drain, ServerSettings server)
    {
        var delay = TimeSpan.FromSeconds(server.DrainDelaySeconds) + PhaseMargin;
        var wait = TimeSpan.FromSeconds(server.DrainTimeoutSeconds) + GatewayDrain.EndGrace + PhaseMargin;
        return builder
            .AddHocon(
                $$"""
                akka.coordinated-shutdown.phases {
                  before-service-unbind.timeout = {{Millis(delay)}}
                  service-requests-done.timeout = {{Millis(wait)}}
                }
                """,
                HoconAddMode.Prepend)
            .AddStartup((system, _) =>
            {
                var shutdown = CoordinatedShutdown.Get(system);
                shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "gateway-drain-begin", async () =>
                {
                    await drain.BeginAsync().ConfigureAwait(false);
                    return Done.Instance;
                });
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "gateway-refuse-new-requests", () =>
                {
                    drain.Refuse();
                    return Task.FromResult(Done.Instance);
                });
                shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "gateway-drain-in-flight", async () =>
                {
                    await drain.WaitForInFlightAsync().ConfigureAwait(false);
                    return Done.Instance;
                });
            });
    }

    private static string Millis(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
