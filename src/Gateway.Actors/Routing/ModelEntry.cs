using Gateway.Streams.Stages;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;

namespace Gateway.Actors.Routing;

/// <summary>
/// One model as the HTTP side sees it in a <see cref="ModelRegistrySnapshot"/>: its route, the entry point of the
/// pipeline its router materialized (none while the router starts or restarts it), and the readiness the router
/// last published. Immutable: a change is a new entry in a new snapshot.
/// </summary>
public sealed record ModelEntry(ModelRoute Route, ModelPipeline? Pipeline, ModelReadiness Readiness)
{
    public string ModelId => Route.ModelId;

    /// <summary>Requests in flight to this model's replicas.</summary>
    public int InFlight => Route.Endpoints.Sum(e => e.InFlight);

    public int Queued => Pipeline?.Queued ?? 0;

    public bool PipelineRunning => Pipeline is { IsOpen: true };

    /// <summary>Admits a request into the pipeline, or says why it is shed.</summary>
    public GatewayError? TryEnqueue(ProxyRequest request)
    {
        if (Pipeline is not { } pipeline)
        {
            return GatewayError.Overloaded($"Model '{ModelId}' is not accepting requests right now.", 1) with { Cause = "model_unavailable" };
        }

        return pipeline.Enqueue(request) switch
        {
            EnqueueResult.Enqueued => null,
            EnqueueResult.KeyQueueFull => GatewayError.Overloaded(
                $"Model '{ModelId}' is overloaded: this key already has its share of the queue ({Route.MaxQueuePerKey} requests) waiting. Retry later.", 1) with { Cause = "key_queue_full" },
            EnqueueResult.QueueFull when pipeline.IsOpen =>
                GatewayError.Overloaded($"Model '{ModelId}' is overloaded: {Route.MaxInFlight} requests in flight and {Route.MaxQueue} queued. Retry later.", 1) with { Cause = "queue_full" },
            _ => GatewayError.Overloaded($"Model '{ModelId}' is not accepting requests right now.", 1) with { Cause = "model_unavailable" },
        };
    }
}
