using Microsoft.Extensions.Hosting;

namespace Gateway.Simulator;

/// <summary>
/// Replaces the console lifetime: an embedded simulator must not hook Ctrl-C or SIGTERM of its host process (the
/// standalone <see cref="Program"/> handles signals itself).
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
