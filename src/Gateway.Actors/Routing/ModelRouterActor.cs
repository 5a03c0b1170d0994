using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Gateway.Streams.Picking;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;

namespace Gateway.Actors.Routing;

/// <summary>
/// Owns one model: materializes its request pipeline once (and again if it ever stops), starts one
/// <see cref="ReplicaActor"/> per replica (probes, ejection timer, <c>/metrics</c> poller), derives the model's
/// readiness from its replicas (ready while at least one is in service: probe passed and not ejected), and
/// reports pipeline and readiness to its parent <see cref="ModelRegistryActor"/>, which publishes them to the HTTP
/// side. Requests never pass through this actor's mailbox: they flow through the pipeline as elements.
/// </summary>
internal sealed class ModelRouterActor : ReceiveActor, IWithTimers
{
    private readonly ModelRoute _route;
    private readonly ModelRouterDependencies _dependencies;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UpstreamEndpoint, ReplicaStatus> _replicas = [];
    private readonly ReplicaPicker _picker;
    private readonly Action<bool> _onPanic;
    private readonly List<IActorRef> _replicaActors = [];
    private ModelPipeline? _pipeline;
    private ModelReadiness _readiness = ModelReadiness.NotProbedYet;
    private bool _draining;
    private int _restarts;

    public ModelRouterActor(ModelRoute route, ModelRouterDependencies dependencies)
    {
        _route = route;
        _dependencies = dependencies;
        _picker = new ReplicaPicker(route.Endpoints, retryBudget: new RetryBudget(dependencies.RetryBudgetRatio, time: dependencies.Time));
        var self = Self;
        _onPanic = panicking => self.Tell(new PanicRoutingChanged(panicking));

        Receive<ReplicaStateChanged>(OnReplicaChanged);
        Receive<PanicRoutingChanged>(OnPanic);
        Receive<PipelineStopped>(OnPipelineStopped);
        Receive<GetModelStatus>(_ => Sender.Tell(Status()));
        Receive<DrainRouter>(_ => StartDrain());
        Receive<DrainTimedOut>(_ =>
        {
            _log.Warning("Model {Model}: requests still in flight after {DrainTimeout}; stopping its router anyway", _route.ModelId, _dependencies.DrainTimeout);
            Context.Stop(Self);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ModelRoute route, ModelRouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new ModelRouterActor(route, dependencies));

    protected override void PreStart()
    {
        _picker.PanicChanged += _onPanic;
        StartPipeline();
        for (var i = 0; i < _route.Endpoints.Count; i++)
        {
            _replicaActors.Add(Context.ActorOf(ReplicaActor.Props(_route.Endpoints[i], _route.UpstreamModel, _dependencies), $"replica-{i}"));
        }
    }

    protected override void PostStop()
    {
        _picker.PanicChanged -= _onPanic;
        if (_pipeline is { } pipeline)
        {
            pipeline.Close(GatewayError.Overloaded($"Model '{_route.ModelId}' is shutting down.", 1) with { Cause = "model_unavailable" });
            Context.Parent.Tell(new ModelPipelineChanged(_route.ModelId, null));
        }
    }

    private void StartPipeline()
    {
        // The pipeline is a child of this actor: if the router stops, so does the stream.
        var pipeline = ModelPipeline.Materialize(_route, _dependencies.Dispatcher, Context.Materializer(), _picker, _dependencies.Time);
        _pipeline = pipeline;
        Context.Parent.Tell(new ModelPipelineChanged(_route.ModelId, pipeline));
        pipeline.Completion.PipeTo(Self, success: () => new PipelineStopped(pipeline, null), failure: e => new PipelineStopped(pipeline, e));
        _log.Info("Pipeline for model {Model} materialized: max {MaxInFlight} in flight, {MaxQueue} queued, {Replicas} replica(s)",
            _route.ModelId, _route.MaxInFlight, _route.MaxQueue, _route.Endpoints.Count);
    }

    /// <summary>No new requests; the queued and in-flight ones finish; the pipeline completing stops the router.</summary>
    private void StartDrain()
    {
        if (_draining)
        {
            return;
        }

        _draining = true;
        // A retired router's replicas stop probing and polling; its in-flight requests keep their endpoints.
        foreach (var replica in _replicaActors)
        {
            Context.Stop(replica);
        }

        Timers.StartSingleTimer("drain", DrainTimedOut.Instance, _dependencies.DrainTimeout);
        _log.Info("Model {Model}: draining its router ({InFlight} in flight, {Queued} queued)", _route.ModelId, _route.Endpoints.Sum(e => e.InFlight), _pipeline?.Queued ?? 0);
        _pipeline?.Drain();
    }

    private void OnPipelineStopped(PipelineStopped stopped)
    {
        if (!ReferenceEquals(stopped.Pipeline, _pipeline))
        {
            return;
        }

        if (_draining)
        {
            _log.Info("Model {Model}: router drained; stopping it", _route.ModelId);
            _pipeline = null;
            Context.Stop(Self);
            return;
        }

        stopped.Pipeline.Close(GatewayError.Overloaded($"Model '{_route.ModelId}' pipeline restarted; retry.", 1) with { Cause = "model_unavailable" });
        _restarts++;
        _log.Warning(stopped.Cause, "Pipeline for model {Model} stopped; materializing it again (restart {Restarts})", _route.ModelId, _restarts);
        StartPipeline();
    }

    private void OnPanic(PanicRoutingChanged panic)
    {
        if (panic.Panicking)
        {
            _log.Warning("Model {Model} has no replica in service: routing to the least bad replica (panic routing)", _route.ModelId);
        }
        else
        {
            _log.Info("Model {Model} has a replica in service again: panic routing ended", _route.ModelId);
        }
    }

    private void OnReplicaChanged(ReplicaStateChanged changed)
    {
        _replicas[changed.Endpoint] = changed.Status;
        var readiness = Readiness();
        if (readiness is null)
        {
            return;
        }

        var previous = _readiness;
        _readiness = readiness;
        if (previous.Ready != readiness.Ready || previous.Reason != readiness.Reason || previous.MaxModelLen != readiness.MaxModelLen)
        {
            Context.Parent.Tell(new ModelReadinessChanged(_route.ModelId, readiness));
        }

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

    /// <summary>Ready while a replica is in service; null until every replica was probed once (or one is ready).</summary>
    private ModelReadiness? Readiness()
    {
        var endpoints = _route.Endpoints;
        var inService = endpoints.Where(e => e.Snapshot.ProbeOk == true && e.InService).ToList();
        var probed = endpoints.Count(e => e.Snapshot.ProbedAt is not null);
        var checkedAt = endpoints.Max(e => e.Snapshot.ProbedAt);
        var maxLen = endpoints.Select(e => e.Snapshot.MaxModelLen).FirstOrDefault(l => l is not null);
        if (inService.Count > 0)
        {
            return new ModelReadiness(true, $"{inService.Count}/{endpoints.Count} replica(s) in service", checkedAt, maxLen);
        }

        if (probed < endpoints.Count)
        {
            return null;
        }

        var reasons = endpoints.Select(e => e.Snapshot.ProbeOk == true
            ? $"{e.Label} ejected ({(_replicas.TryGetValue(e, out var s) ? s.EjectionReason : null) ?? "gateway failures"})"
            : e.Snapshot.ProbeReason);
        return new ModelReadiness(false, "no replica in service: " + string.Join("; ", reasons), checkedAt, maxLen);
    }

    private ModelStatus Status()
    {
        var replicas = _route.Endpoints
            .Select((e, i) => _replicas.TryGetValue(e, out var s)
                ? s with { InFlight = e.InFlight, InService = e.InService, Breaker = e.Breaker.State.ToString(), Retries = e.Retries, GatewayFailures = e.GatewayFailures }
                : new ReplicaStatus
                {
                    Upstream = e.Label,
                    ActorPath = Self.Path.Child($"replica-{i}").ToStringWithoutAddress(),
                    Weight = e.Weight,
                    InService = e.InService,
                    Reason = "not probed yet",
                    Breaker = e.Breaker.State.ToString(),
                    InFlight = e.InFlight,
                })
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
            replicas)
        {
            Panicking = _picker.Panicking,
            PanicRoutes = _picker.PanicRoutes,
        };
    }
}
