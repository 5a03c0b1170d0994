using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Limits;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Pipeline;

/// <summary>
/// A model's long-lived request pipeline, materialized once: bounded queue → throttle → replica picker → tool-call
/// preparation → vLLM dispatch (at most <see cref="ModelRoute.MaxInFlight"/> requests in flight). Requests enter
/// as elements with <see cref="TryEnqueue"/>; a full queue sheds at once instead of waiting.
/// </summary>
public sealed class ModelPipeline
{
    private readonly ChannelWriter<ProxyRequest> _writer;
    private readonly ChannelReader<ProxyRequest> _reader;
    private readonly TimeProvider _time;
    private volatile bool _closed;

    private ModelPipeline(ModelRoute route, Channel<ProxyRequest> channel, Task completion, TimeProvider time)
    {
        Route = route;
        _time = time;
        _writer = channel.Writer;
        _reader = channel.Reader;
        Completion = completion;
    }

    public ModelRoute Route { get; }

    /// <summary>Completes when the stream stops (shutdown, or a failure the owner must react to).</summary>
    public Task Completion { get; }

    /// <summary>Still taking requests: not closed by its owner and the stream still running.</summary>
    public bool IsOpen => !_closed && !Completion.IsCompleted;

    /// <summary>Requests waiting for an in-flight slot.</summary>
    public int Queued => _reader.CanCount ? _reader.Count : 0;

    /// <summary>The stages between the queue and the dispatcher, in order.</summary>
    /// <param name="picker">The model's replica picker (shared with its router for inspection); a new one when null.</param>
    public static Flow<ProxyRequest, ProxyRequest, NotUsed> Admission(ModelRoute route, IRateLimiter limiter, ReplicaPicker? picker = null) =>
        Flow.Create<ProxyRequest>()
            .Via(new ThrottleStage(limiter))
            .Via(new ReplicaPickerStage(picker ?? new ReplicaPicker(route.Endpoints)))
            .Via(new RequestPreparationStage(route));

    public static ModelPipeline Materialize(
        ModelRoute route, IRateLimiter limiter, VllmDispatcher dispatcher, IMaterializer materializer, ReplicaPicker? picker = null)
    {
        var channel = Channel.CreateBounded<ProxyRequest>(new BoundedChannelOptions(Math.Max(1, route.MaxQueue))
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        var completion = ChannelSource.FromReader(channel.Reader)
            .Via(Admission(route, limiter, picker))
            .SelectAsyncUnordered(route.MaxInFlight, dispatcher.DispatchAsync)
            .ToMaterialized(Sink.Ignore<Done>(), Keep.Right)
            .Run(materializer);
        return new ModelPipeline(route, channel, completion, dispatcher.Time);
    }

    /// <summary>Offers a request (stamping <see cref="ProxyRequest.EnqueuedAt"/>); false when the queue is full (the caller sheds it) or the pipeline stopped.</summary>
    public bool TryEnqueue(ProxyRequest request)
    {
        request.EnqueuedAt = _time.GetTimestamp();
        return _writer.TryWrite(request);
    }

    /// <summary>
    /// Stops taking requests but serves the ones already queued: the stream completes (<see cref="Completion"/>)
    /// once every admitted request has been relayed, streams included. Used when the model is removed or replaced.
    /// </summary>
    public void Drain()
    {
        _closed = true;
        _writer.TryComplete();
    }

    /// <summary>Stops taking requests and answers every queued one with <paramref name="error"/>.</summary>
    public void Close(GatewayError error)
    {
        _closed = true;
        _writer.TryComplete();
        while (_reader.TryRead(out var request))
        {
            request.Reject(error);
        }
    }
}
