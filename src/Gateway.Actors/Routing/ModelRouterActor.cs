using Gateway.Streams.Stages;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// Owns one model: materializes its request pipeline once (and again if it ever stops), probes the replicas to
/// keep the model's readiness, and reports both to its parent <see cref="ModelRegistryActor"/>, which publishes
/// them to the HTTP side. Requests never pass through this actor's mailbox: they flow through the pipeline as elements.
/// </summary>
internal sealed class ModelRouterActor : ReceiveActor, IWithTimers
{
    private readonly ModelRoute _route;
    private readonly ModelRouterDependencies _dependencies;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UpstreamEndpoint, ProbeResult> _lastProbe = [];
    private ModelPipeline? _pipeline;
    private ModelReadiness _readiness = ModelReadiness.NotProbedYet;
    private bool _probing;
    private int _restarts;

    public ModelRouterActor(ModelRoute route, ModelRouterDependencies dependencies)
    {
        _route = route;
        _dependencies = dependencies;

        Receive<ProbeTick>(_ => StartProbe());
        Receive<ProbeCompleted>(OnProbeCompleted);
        Receive<PipelineStopped>(OnPipelineStopped);
        Receive<GetModelStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ModelRoute route, ModelRouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new ModelRouterActor(route, dependencies));

    protected override void PreStart()
    {
        StartPipeline();
        Self.Tell(ProbeTick.Instance);
        Timers.StartPeriodicTimer("probe", ProbeTick.Instance, _dependencies.ProbeInterval);
    }

    protected override void PostStop()
    {
        if (_pipeline is { } pipeline)
        {
            pipeline.Close(GatewayError.Overloaded($"Model '{_route.ModelId}' is shutting down.", 1));
            Context.Parent.Tell(new ModelPipelineChanged(_route.ModelId, null));
        }
    }

    private void StartPipeline()
    {
        // The pipeline is a child of this actor: if the router stops, so does the stream.
        var pipeline = ModelPipeline.Materialize(_route, _dependencies.Dispatcher, Context.Materializer(), _dependencies.Time);
        _pipeline = pipeline;
        Context.Parent.Tell(new ModelPipelineChanged(_route.ModelId, pipeline));
        pipeline.Completion.PipeTo(Self, success: () => new PipelineStopped(pipeline, null), failure: e => new PipelineStopped(pipeline, e));
        _log.Info("Pipeline for model {Model} materialized: max {MaxInFlight} in flight, {MaxQueue} queued, {Replicas} replica(s)",
            _route.ModelId, _route.MaxInFlight, _route.MaxQueue, _route.Endpoints.Count);
    }

    private void OnPipelineStopped(PipelineStopped stopped)
    {
        if (!ReferenceEquals(stopped.Pipeline, _pipeline))
        {
            return;
        }

        stopped.Pipeline.Close(GatewayError.Overloaded($"Model '{_route.ModelId}' pipeline restarted; retry.", 1));
        _restarts++;
        _log.Warning(stopped.Cause, "Pipeline for model {Model} stopped; materializing it again (restart {Restarts})", _route.ModelId, _restarts);
        StartPipeline();
    }

    private void StartProbe()
    {
        if (_probing)
        {
            return;
        }

        _probing = true;
        var model = _route.UpstreamModel;
        var probes = _route.Endpoints.Select(e => _dependencies.Probe.ProbeAsync(e, model, CancellationToken.None));
        Task.WhenAll(probes).PipeTo(Self, success: results => new ProbeCompleted(results), failure: _ => new ProbeCompleted([]));
    }

    private void OnProbeCompleted(ProbeCompleted completed)
    {
        _probing = false;
        foreach (var result in completed.Results)
        {
            _lastProbe[result.Endpoint] = result;
        }

        var now = _dependencies.Time.GetUtcNow();
        var ready = completed.Results.Where(r => r.Ready).ToList();
        var readiness = ready.Count > 0
            ? new ModelReadiness(true, $"{ready.Count}/{completed.Results.Count} replica(s) ready", now, ready.Select(r => r.MaxModelLen).FirstOrDefault(l => l is not null))
            : new ModelReadiness(false, completed.Results.Count == 0 ? "probe failed" : string.Join("; ", completed.Results.Select(r => r.Reason)), now, null);

        var previous = _readiness;
        _readiness = readiness;
        Context.Parent.Tell(new ModelReadinessChanged(_route.ModelId, readiness));
        if (previous.Ready != readiness.Ready || previous.CheckedAt is null)
        {
            if (readiness.Ready)
            {
                _log.Info("Model {Model} is ready: {Reason}", _route.ModelId, readiness.Reason);
            }
            else
            {
                _log.Warning("Model {Model} is not ready: {Reason}", _route.ModelId, readiness.Reason);
            }
        }
    }

    private ModelStatus Status()
    {
        var replicas = _route.Endpoints
            .Select(e => _lastProbe.TryGetValue(e, out var p)
                ? new ReplicaStatus(e.Label, e.Breaker.State.ToString(), e.InFlight, p.Ready, p.Reason)
                : new ReplicaStatus(e.Label, e.Breaker.State.ToString(), e.InFlight, false, "not probed yet"))
            .ToList();
        return new ModelStatus(
            _route.ModelId,
            _route.UpstreamModel,
            Self.Path.ToStringWithoutAddress(),
            _readiness.Ready,
            _readiness.Reason,
            _readiness.CheckedAt,
            _route.Endpoints.Sum(e => e.InFlight),
            _pipeline?.Queued ?? 0,
            _route.MaxInFlight,
            _route.MaxQueue,
            _pipeline is { IsOpen: true },
            _restarts,
            replicas);
    }
}
