using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;

namespace Gateway.Actors.Routing;

/// <summary>
/// What the HTTP side holds for a model: the entry of the pipeline its router materialized, and the readiness
/// the router publishes. Reading it costs no message and no Ask; only the router writes it.
/// </summary>
public sealed class ModelHandle(ModelRoute route)
{
    private ModelPipeline? _pipeline;
    private volatile ModelReadiness _readiness = ModelReadiness.NotProbedYet;

    public ModelRoute Route { get; } = route;

    public string ModelId => Route.ModelId;

    public ModelReadiness Readiness => _readiness;

    /// <summary>Requests in flight to this model's replicas.</summary>
    public int InFlight => Route.Endpoints.Sum(e => e.InFlight);

    public int Queued => Volatile.Read(ref _pipeline)?.Queued ?? 0;

    public bool PipelineRunning => Volatile.Read(ref _pipeline) is not null;

    /// <summary>Admits a request into the pipeline, or says why it is shed.</summary>
    public GatewayError? TryEnqueue(ProxyRequest request)
    {
        var pipeline = Volatile.Read(ref _pipeline);
        if (pipeline is null)
        {
            return GatewayError.Overloaded($"Model '{ModelId}' is not accepting requests right now.", 1);
        }

        return pipeline.TryEnqueue(request)
            ? null
            : GatewayError.Overloaded($"Model '{ModelId}' is overloaded: {Route.MaxInFlight} requests in flight and {Route.MaxQueue} queued. Retry later.", 1);
    }

    internal void Attach(ModelPipeline pipeline) => Volatile.Write(ref _pipeline, pipeline);

    internal void Detach(ModelPipeline pipeline) => Interlocked.CompareExchange(ref _pipeline, null, pipeline);

    internal void Publish(ModelReadiness readiness) => _readiness = readiness;
}
