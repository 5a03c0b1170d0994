using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Pipeline;

/// <summary>
/// A model's long-lived request pipeline, materialized once: fair queue → replica picker → tool-call preparation →
/// vLLM dispatch (at most <see cref="ModelRoute.MaxInFlight"/> requests in flight). Requests enter as elements with
/// <see cref="Enqueue"/> after their key's limits admitted them; a full queue (or a key's full share of it) sheds at
/// once instead of waiting. The queue hands the next free slot to the key with the least service so far
/// (<see cref="FairQueue"/>), and settles that service with the real usage when each request ends. The graph runs
/// on <see cref="PipelineDispatcher"/> when the actor system defines it (on the thread that hands a request in).
/// </summary>
public sealed class ModelPipeline : IRequestSettler
{
    private readonly FairQueue _queue;
    private volatile bool _closed;

    private ModelPipeline(ModelRoute route, FairQueue queue, Task completion)
    {
        Route = route;
        _queue = queue;
        Completion = completion;
    }

    public ModelRoute Route { get; }

    /// <summary>Completes when the stream stops (shutdown, or a failure the owner must react to).</summary>
    public Task Completion { get; }

    /// <summary>Still taking requests: not closed by its owner and the stream still running.</summary>
    public bool IsOpen => !_closed && !Completion.IsCompleted;

    /// <summary>Requests waiting for an in-flight slot.</summary>
    public int Queued => _queue.Count;

    /// <summary>The fair queue (for inspection and tests).</summary>
    public FairQueue Queue => _queue;

    /// <summary>The stages between the queue and the dispatcher, in order.</summary>
    /// <param name="picker">The model's replica picker (shared with its router for inspection); a new one when null.</param>
    public static Flow<ProxyRequest, ProxyRequest, NotUsed> Admission(ModelRoute route, ReplicaPicker? picker = null) =>
        Flow.Create<ProxyRequest>()
            .Via(new ReplicaPickerStage(picker ?? new ReplicaPicker(route.Endpoints)))
            .Via(new RequestPreparationStage(route));

    public static ModelPipeline Materialize(
        ModelRoute route, VllmDispatcher dispatcher, IMaterializer materializer, ReplicaPicker? picker = null, TimeProvider? time = null)
    {
        var queue = new FairQueue(route.MaxQueue, route.MaxQueuePerKey, time, route.MaxInFlight);
        var graph = Source.FromGraph(new FairQueueSource(queue))
            .Via(Admission(route, picker))
            .SelectAsyncUnordered(route.MaxInFlight, dispatcher.DispatchAsync)
            .ToMaterialized(Sink.Ignore<Done>(), Keep.Right);
        if (materializer is ActorMaterializer { System: var system } && system.Dispatchers.HasDispatcher(PipelineDispatcher.Id))
        {
            graph = graph.WithAttributes(ActorAttributes.CreateDispatcher(PipelineDispatcher.Id));
        }

        var completion = graph.Run(materializer);
        return new ModelPipeline(route, queue, completion);
    }

    /// <summary>Offers a request; anything but <see cref="EnqueueResult.Enqueued"/> means the caller answers it.</summary>
    public EnqueueResult Enqueue(ProxyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_closed)
        {
            return EnqueueResult.Closed;
        }

        request.QueueSettler = this;
        var result = _queue.Enqueue(request);
        if (result != EnqueueResult.Enqueued)
        {
            request.QueueSettler = null; // the caller may offer it elsewhere (a reloaded model's new pipeline)
        }

        return result;
    }

    /// <summary>A request this pipeline took has finished: its key's service is settled with what it used, its slot freed.</summary>
    void IRequestSettler.Settle(ProxyRequest request)
    {
        if (request.DequeuedAt == 0)
        {
            return; // never left the queue: neither charged nor holding a slot
        }

        if (request.PromptTokensUsed is not null || request.CompletionTokensUsed is not null)
        {
            // The prompt estimate was charged when the request left the queue: charge the difference and the output.
            _queue.Charge(request.RateLimitKey, (request.PromptTokensUsed ?? request.PromptTokenEstimate) - request.PromptTokenEstimate + (request.CompletionTokensUsed ?? 0));
        }

        _queue.SlotFreed();
    }

    /// <summary>Offers a request; false when the queue (or the key's share) is full or the pipeline stopped.</summary>
    public bool TryEnqueue(ProxyRequest request) => Enqueue(request) == EnqueueResult.Enqueued;

    /// <summary>
    /// Stops taking requests but serves the ones already queued: the stream completes (<see cref="Completion"/>)
    /// once every admitted request has been relayed, streams included. Used when the model is removed or replaced.
    /// </summary>
    public void Drain()
    {
        _closed = true;
        _queue.Complete();
    }

    /// <summary>Stops taking requests and answers every queued one with <paramref name="error"/>.</summary>
    public void Close(GatewayError error)
    {
        _closed = true;
        foreach (var request in _queue.Close())
        {
            request.Reject(error);
        }
    }
}
