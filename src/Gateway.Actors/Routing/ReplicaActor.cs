using Akka.Actor;
using Akka.Event;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// Owns one replica of a model (a child of its <see cref="ModelRouterActor"/>): probes its <c>/health</c> and
/// <c>/v1/models</c> on a timer and at once when a request suggests it is down, polls vLLM's <c>/metrics</c> for
/// load signals, schedules the probe that ends an ejection, and publishes what it learnt as an immutable
/// <see cref="ReplicaSnapshot"/> on the <see cref="UpstreamEndpoint"/> the picker reads. It tells its router
/// every change (readiness and inspection).
/// </summary>
internal sealed class ReplicaActor : ReceiveActor, IWithTimers
{
    private readonly UpstreamEndpoint _endpoint;
    private readonly string _upstreamModel;
    private readonly ModelRouterDependencies _dependencies;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Action<string, bool> _onProbeRequested;
    private readonly Action<CircuitState> _onBreakerChanged;
    private bool _probing;
    private bool _pendingProbe;
    private bool _pendingCountsFailure;
    private bool _polling;
    private string? _ejectionReason;
    private string? _lastFailure;
    private DateTimeOffset? _lastFailureAt;

    public ReplicaActor(UpstreamEndpoint endpoint, string upstreamModel, ModelRouterDependencies dependencies)
    {
        _endpoint = endpoint;
        _upstreamModel = upstreamModel;
        _dependencies = dependencies;
        var self = Self;
        _onProbeRequested = (reason, count) =>
        {
            if (!count)
            {
                self.Tell(new ReplicaGatewayFailure(reason));
            }

            self.Tell(new ProbeReplica(reason, count));
        };
        _onBreakerChanged = state => self.Tell(new ReplicaBreakerChanged(state));

        Receive<ProbeReplica>(StartProbe);
        Receive<ReplicaProbed>(OnProbed);
        Receive<PollReplicaMetrics>(_ => StartPoll());
        Receive<ReplicaMetricsPolled>(OnPolled);
        Receive<ReplicaBreakerChanged>(OnBreakerChanged);
        Receive<ReplicaGatewayFailure>(f =>
        {
            _lastFailure = f.Reason;
            _lastFailureAt = _dependencies.Time.GetUtcNow();
            Publish();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(UpstreamEndpoint endpoint, string upstreamModel, ModelRouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new ReplicaActor(endpoint, upstreamModel, dependencies));

    protected override void PreStart()
    {
        _endpoint.ProbeRequested += _onProbeRequested;
        _endpoint.Breaker.StateChanged += _onBreakerChanged;
        Self.Tell(new ProbeReplica("start", false));
        Timers.StartPeriodicTimer("probe", new ProbeReplica("timer", false), _dependencies.ProbeInterval);
        if (_dependencies.Metrics is not null && _dependencies.MetricsInterval > TimeSpan.Zero)
        {
            Self.Tell(PollReplicaMetrics.Instance);
            Timers.StartPeriodicTimer("metrics", PollReplicaMetrics.Instance, _dependencies.MetricsInterval);
        }
    }

    protected override void PostStop()
    {
        _endpoint.ProbeRequested -= _onProbeRequested;
        _endpoint.Breaker.StateChanged -= _onBreakerChanged;
    }

    private void StartProbe(ProbeReplica probe)
    {
        if (_probing)
        {
            _pendingProbe |= probe.Reason != "timer";
            _pendingCountsFailure |= probe.CountFailure;
            return;
        }

        _probing = true;
        var countFailure = probe.CountFailure;
        _dependencies.Probe.ProbeAsync(_endpoint, _upstreamModel, CancellationToken.None).PipeTo(
            Self,
            success: result => new ReplicaProbed(result, countFailure),
            failure: e => new ReplicaProbed(new ProbeResult(_endpoint, false, $"probe failed: {e.GetType().Name}", null), countFailure));
    }

    private void OnProbed(ReplicaProbed probed)
    {
        _probing = false;
        var result = probed.Probe;
        var previous = _endpoint.Snapshot;
        _endpoint.Snapshot = previous with
        {
            ProbeOk = result.Ready,
            ProbeReason = result.Reason,
            ProbedAt = _dependencies.Time.GetUtcNow(),
            ServesModel = result.ServesModel ?? previous.ServesModel,
            IsAdapter = result.ServesModel is null ? previous.IsAdapter : result.IsAdapter,
            MaxModelLen = result.MaxModelLen ?? previous.MaxModelLen,
        };

        if (!_pendingProbe)
        {
            // The verdict is in the snapshot now (a probe asked for after a later failure is still to come otherwise).
            _endpoint.ClearSuspicion();
        }

        if (result.Ready)
        {
            _endpoint.Breaker.ProbePassed();
        }
        else if (probed.CountFailure)
        {
            // A request-specific 5xx was followed by a failing probe: now it counts.
            _endpoint.Breaker.RecordFailure();
            _ejectionReason = $"probe after a server error failed: {result.Reason}";
        }

        if (previous.ProbeOk != result.Ready)
        {
            if (result.Ready)
            {
                _log.Info("Replica {Upstream} of {Model} passes its probe", _endpoint.Label, _upstreamModel);
            }
            else
            {
                _log.Warning("Replica {Upstream} of {Model} fails its probe: {Reason}", _endpoint.Label, _upstreamModel, result.Reason);
            }
        }

        Publish();
        if (_pendingProbe)
        {
            var count = _pendingCountsFailure;
            _pendingProbe = false;
            _pendingCountsFailure = false;
            StartProbe(new ProbeReplica("pending", count));
        }
    }

    private void StartPoll()
    {
        if (_polling || _dependencies.Metrics is not { } metrics)
        {
            return;
        }

        _polling = true;
        metrics.ReadAsync(_endpoint, CancellationToken.None).PipeTo(Self, success: load => new ReplicaMetricsPolled(load), failure: _ => new ReplicaMetricsPolled(null));
    }

    private void OnPolled(ReplicaMetricsPolled polled)
    {
        _polling = false;
        _endpoint.Snapshot = _endpoint.Snapshot with { Load = polled.Load };
        Publish();
    }

    private void OnBreakerChanged(ReplicaBreakerChanged changed)
    {
        switch (changed.State)
        {
            case CircuitState.Open:
                // The breaker's change can arrive before the failure's own message: the endpoint already holds its reason.
                _ejectionReason ??= _endpoint.LastGatewayFailure ?? _lastFailure ?? "gateway failures";
                var ejectedFor = _endpoint.Breaker.EjectedFor ?? TimeSpan.Zero;
                _log.Warning(
                    "Replica {Upstream} of {Model} ejected for {Seconds:0.#} s (ejection {Ejections} in a row): {Reason}",
                    _endpoint.Label, _upstreamModel, ejectedFor.TotalSeconds, _endpoint.Breaker.EjectionsInARow, _ejectionReason);
                Timers.StartSingleTimer("ejection", new ProbeReplica("ejection ended", false), ejectedFor + TimeSpan.FromMilliseconds(1));
                break;
            case CircuitState.HalfOpen:
                _log.Info("Replica {Upstream} of {Model} gets a trial request", _endpoint.Label, _upstreamModel);
                break;
            default:
                _ejectionReason = null;
                Timers.Cancel("ejection");
                _log.Info("Replica {Upstream} of {Model} is back in service", _endpoint.Label, _upstreamModel);
                break;
        }

        Publish();
    }

    private void Publish() => Context.Parent.Tell(new ReplicaStateChanged(_endpoint, Status()));

    private ReplicaStatus Status()
    {
        var snapshot = _endpoint.Snapshot;
        var breaker = _endpoint.Breaker;
        var state = breaker.State;
        var ejectedFor = breaker.EjectedFor;
        return new ReplicaStatus
        {
            Upstream = _endpoint.Label,
            ActorPath = Self.Path.ToStringWithoutAddress(),
            Weight = _endpoint.Weight,
            InService = _endpoint.InService,
            Suspect = _endpoint.Suspect,
            Ready = snapshot.ProbeOk == true,
            Reason = snapshot.ProbeReason,
            LastProbeAt = snapshot.ProbedAt,
            Breaker = state.ToString(),
            EjectionReason = state == CircuitState.Closed ? null : _ejectionReason ?? _lastFailure,
            ReturnsAt = ejectedFor is { } left ? _dependencies.Time.GetUtcNow() + left : null,
            EjectionsInARow = breaker.EjectionsInARow,
            ConsecutiveFailures = breaker.ConsecutiveFailures,
            InFlight = _endpoint.InFlight,
            IsAdapter = snapshot.IsAdapter,
            Load = snapshot.Load is { } load ? new ReplicaLoadStatus(load.Waiting, load.Running, load.KvCacheUsage, load.PolledAt) : null,
            GatewayFailures = _endpoint.GatewayFailures,
            LastGatewayFailure = _lastFailure,
            LastGatewayFailureAt = _lastFailureAt,
            RequestSpecificFailures = _endpoint.RequestFailures,
            Retries = _endpoint.Retries,
        };
    }
}
