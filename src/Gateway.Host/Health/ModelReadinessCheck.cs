using Akka.Hosting;
using Gateway.Actors.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Host.Health;

/// <summary>
/// Readiness = every configured model has a replica that answers and lists it. Reads the state the routers
/// already publish (their periodic probes), so a readiness poll never touches vLLM.
/// </summary>
internal sealed class ModelReadinessCheck(PublishedModelRegistry models) : IAkkaHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(AkkaHealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var notReady = new List<string>();
        foreach (var handle in models.Current.All)
        {
            var readiness = handle.Readiness;
            data[handle.ModelId] = new ModelReadinessReport(readiness.Ready, readiness.Reason, readiness.CheckedAt);
            if (!readiness.Ready)
            {
                notReady.Add($"{handle.ModelId}: {readiness.Reason}");
            }
        }

        return Task.FromResult(notReady.Count == 0
            ? HealthCheckResult.Healthy("all models ready", data)
            : new HealthCheckResult(context.Registration.FailureStatus, "not ready: " + string.Join("; ", notReady), data: data));
    }
}
