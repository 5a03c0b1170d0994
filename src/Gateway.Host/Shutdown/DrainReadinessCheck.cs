using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Host.Shutdown;

/// <summary>Readiness fails from the first moment of the shutdown drain, so load balancers stop sending requests.</summary>
internal sealed class DrainReadinessCheck(GatewayDrain drain) : IHealthCheck
{
    public const string Name = "drain";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Phase == DrainPhase.Serving
            ? HealthCheckResult.Healthy("serving")
            : HealthCheckResult.Unhealthy($"draining for shutdown ({drain.InFlight} request(s) in flight)"));
}
