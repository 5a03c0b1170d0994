using Akka.Actor;

namespace Gateway.Host.Shutdown;

/// <summary>
/// On SIGTERM (the host stopping), runs Akka's <c>CoordinatedShutdown</c> before any hosted service stops, and
/// waits for its drain phases (<see cref="GatewayDrain"/>): Kestrel keeps listening meanwhile, so new requests
/// get a clear 503 <c>shutting_down</c> instead of a refused connection, and it stops only once nothing is in flight.
/// </summary>
internal sealed class GatewayDrainService(IServiceProvider services, GatewayDrain drain, ILogger<GatewayDrainService> log) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        ActorSystem system;
        try
        {
            system = services.GetRequiredService<ActorSystem>();
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException)
        {
            log.LogWarning(e, "No actor system to run the shutdown drain on");
            return;
        }

        var shutdown = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        try
        {
            // The later phases (actor system termination) finish in the background; Akka.Hosting awaits them.
            await Task.WhenAny(drain.Drained, shutdown).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            log.LogWarning("The host's shutdown timeout passed before the drain completed");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
