using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Gateway.Streams.Limits;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// Owns one model: materializes its request pipeline once (and again if it ever stops), publishes it to the
/// <see cref="ModelHandle"/> the HTTP side reads, and probes the replicas to keep the model's readiness.
/// Requests never pass through this actor's mailbox: they flow through the pipeline as elements.
/// </summary>
internal sealed class ModelRouterActor : ReceiveActor, IWithTimers
{
    private readonly ModelHandle _handle;
    private readonly IRateLimiter _limiter;
    private readonly VllmDispatcher _dispatcher;
    private readonly UpstreamProbe _probe;
    private readonly TimeSpan _probeInterval;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UpstreamEndpoint, ProbeResult> _lastProbe = [];
    private ModelPipeline? _pipeline;
    private bool _probing;
    private int _restarts;

    public ModelRouterActor(ModelHandle handle, IRateLimiter limiter, VllmDispatcher dispatcher, UpstreamProbe probe, TimeSpan probeInterval)
    {
        _handle = handle;
        _limiter = limiter;
        _dispatcher = dispatcher;
        _probe = probe;
        _probeInterval = probeInterval;

        Receive<ProbeTick>(_ => StartProbe());
        Receive<ProbeCompleted>(OnProbeCompleted);
        Receive<PipelineStopped>(OnPipelineStopped);
        Receive<GetModelStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ModelHandle handle, IRateLimiter limiter, VllmDispatcher dispatcher, UpstreamProbe probe, TimeSpan probeInterval) =>
        Akka.Actor.Props.Create(() => new ModelRouterActor(handle, limiter, dispatcher, probe, probeInterval));

    protected override void PreStart()
    {
        StartPipeline();
        Self.Tell(ProbeTick.Instance);
        Timers.StartPeriodicTimer("probe", ProbeTick.Instance, _probeInterval);
    }

    protected override void PostStop()
    {
        if (_pipeline is { } pipeline)
        {
            _handle.Detach(pipeline);
            pipeline.Close(GatewayError.Overloaded($"Model '{_handle.ModelId}' is shutting down.", 1));
        }
    }

    private void StartPipeline()
    {
        // The pipeline is a child of this actor: if the router stops, so does the stream.
        var pipeline = ModelPipeline.Materialize(_handle.Route, _limiter, _dispatcher, Context.Materializer());
        _pipeline = pipeline;
        _handle.Attach(pipeline);
        var self = Self;
        pipeline.Completion.ContinueWith(
            t => self.Tell(new PipelineStopped(t.Exception?.GetBaseException())),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        _log.Info("Pipeline for model {Model} materialized: max {MaxInFlight} in flight, {MaxQueue} queued, {Replicas} replica(s)",
            _handle.ModelId, _handle.Route.MaxInFlight, _handle.Route.MaxQueue, _handle.Route.Endpoints.Count);
    }

    private void OnPipelineStopped(PipelineStopped stopped)
    {
        if (_pipeline is { } old)
        {
            _handle.Detach(old);
            old.Close(GatewayError.Overloaded($"Model '{_handle.ModelId}' pipeline restarted; retry.", 1));
        }

        _restarts++;
        _log.Warning(stopped.Cause, "Pipeline for model {Model} stopped; materializing it again (restart {Restarts})", _handle.ModelId, _restarts);
        StartPipeline();
    }

    private void StartProbe()
    {
        if (_probing)
        {
            return;
        }

        _probing = true;
        var model = _handle.Route.UpstreamModel;
        var probes = _handle.Route.Endpoints.Select(e => _probe.ProbeAsync(e, model, CancellationToken.None));
        Task.WhenAll(probes).PipeTo(Self, success: results => new ProbeCompleted(results), failure: e => new ProbeCompleted([]));
    }

    private void OnProbeCompleted(ProbeCompleted completed)
    {
        _probing = false;
        foreach (var result in completed.Results)
        {
            _lastProbe[result.Endpoint] = result;
        }

        var ready = completed.Results.Where(r => r.Ready).ToList();
        var readiness = ready.Count > 0
            ? new ModelReadiness(true, $"{ready.Count}/{completed.Results.Count} replica(s) ready", DateTimeOffset.UtcNow, ready.Select(r => r.MaxModelLen).FirstOrDefault(l => l is not null))
            : new ModelReadiness(false, completed.Results.Count == 0 ? "probe failed" : string.Join("; ", completed.Results.Select(r => r.Reason)), DateTimeOffset.UtcNow, null);

        var previous = _handle.Readiness;
        _handle.Publish(readiness);
        if (previous.Ready != readiness.Ready || previous.CheckedAt is null)
        {
            if (readiness.Ready)
            {
                _log.Info("Model {Model} is ready: {Reason}", _handle.ModelId, readiness.Reason);
            }
            else
            {
                _log.Warning("Model {Model} is not ready: {Reason}", _handle.ModelId, readiness.Reason);
            }
        }
    }

    private ModelStatus Status()
    {
        var readiness = _handle.Readiness;
        var replicas = _handle.Route.Endpoints
            .Select(e => _lastProbe.TryGetValue(e, out var p)
                ? new ReplicaStatus(e.Label, e.Breaker.State.ToString(), e.InFlight, p.Ready, p.Reason)
                : new ReplicaStatus(e.Label, e.Breaker.State.ToString(), e.InFlight, false, "not probed yet"))
            .ToList();
        return new ModelStatus(
            _handle.ModelId,
            _handle.Route.UpstreamModel,
            Self.Path.ToStringWithoutAddress(),
            readiness.Ready,
            readiness.Reason,
            readiness.CheckedAt,
            _handle.InFlight,
            _handle.Queued,
            _handle.Route.MaxInFlight,
            _handle.Route.MaxQueue,
            _handle.PipelineRunning,
            _restarts,
            replicas);
    }
}
