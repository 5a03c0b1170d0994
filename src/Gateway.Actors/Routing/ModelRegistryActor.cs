using Gateway.Streams.Stages;
using Akka.Actor;
using Akka.Event;
using Gateway.Streams.Limits;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>
/// Owns the model set: one <see cref="ModelRouterActor"/> child per model, started, stopped and replaced by
/// <see cref="ApplyModels"/>. Routers report their pipeline and readiness here; the registry keeps one entry per
/// listed model and publishes a new immutable <see cref="ModelRegistrySnapshot"/> to <see cref="PublishedModelRegistry"/>
/// on every change, which the HTTP side reads without asking anyone.
/// </summary>
/// <remarks>
/// A new router (new model, or a changed one's replacement) is listed only once its pipeline runs and its replicas
/// were probed once; until then a changed model keeps being served by its old router. A router that is no longer
/// listed (removed, or replaced) drains: it takes no new requests, finishes the admitted ones (streams included),
/// and only then stops.
/// </remarks>
public sealed class ModelRegistryActor : ReceiveActor
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    private readonly PublishedModelRegistry _published;
    private readonly ModelRouterDependencies _dependencies;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ModelEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IActorRef Router, ModelEntry Entry)> _starting = new(StringComparer.Ordinal);
    private readonly List<(IActorRef ReplyTo, HashSet<string> Starting)> _pendingApplies = [];
    private int _generation;

    public ModelRegistryActor(PublishedModelRegistry published, ModelRouterDependencies dependencies)
    {
        _published = published;
        _dependencies = dependencies;

        Receive<ApplyModels>(apply =>
        {
            var started = Apply(apply.Routes);
            _pendingApplies.Add((Sender, started));
            ReplyToFinishedApplies();
        });
        Receive<ModelPipelineChanged>(changed => Update(changed.ModelId, e => e with { Pipeline = changed.Pipeline }));
        Receive<ModelReadinessChanged>(changed => Update(changed.ModelId, e => e with { Readiness = changed.Readiness }));
        Receive<GetModelStatus>(_ => CollectStatus());
    }

    public static Props Props(PublishedModelRegistry published, ModelRouterDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new ModelRegistryActor(published, dependencies));

    /// <summary>Actor names allow a limited alphabet; model ids like <c>org/Model:7b</c> are escaped.</summary>
    public static string RouterName(string modelId) => "model-" + Uri.EscapeDataString(modelId).Replace("%", "_", StringComparison.Ordinal);

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);

    /// <summary>Diffs <paramref name="routes"/> against the running set; returns the ids whose routers were started.</summary>
    private HashSet<string> Apply(IReadOnlyList<ModelRoute> routes)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        var wanted = routes.ToDictionary(r => r.ModelId, StringComparer.Ordinal);
        foreach (var removed in _order.Where(id => !wanted.ContainsKey(id)).ToList())
        {
            StopStarting(removed);
            Retire(removed);
            _log.Info("Model {Model} removed", removed);
        }

        _order.Clear();
        foreach (var route in routes)
        {
            _order.Add(route.ModelId);
            var latest = _starting.TryGetValue(route.ModelId, out var pending) ? pending.Entry.Route
                : _entries.TryGetValue(route.ModelId, out var current) ? current.Route
                : null;
            if (latest is not null && !ModelRouteComparer.Changed(latest, route))
            {
                if (_starting.ContainsKey(route.ModelId))
                {
                    started.Add(route.ModelId); // still starting from an earlier apply: this apply waits for it too
                }

                continue;
            }

            if (latest is not null)
            {
                StopStarting(route.ModelId);
                _log.Info("Model {Model} changed; starting its new router (the old one serves until the new one is up)", route.ModelId);
            }

            StartRouter(route);
            started.Add(route.ModelId);
        }

        Publish();
        return started;
    }

    private void ReplyToFinishedApplies()
    {
        foreach (var (replyTo, _) in _pendingApplies.Where(p => p.Starting.Count == 0).ToList())
        {
            replyTo.Tell(new ModelsApplied([.. _order]));
        }

        _pendingApplies.RemoveAll(p => p.Starting.Count == 0);
    }

    private void StartRouter(ModelRoute route)
    {
        // A replaced or removed router may still be draining under the plain name: the newcomer gets a suffix.
        var plain = RouterName(route.ModelId);
        var name = Context.Child(plain).IsNobody() ? plain : $"{plain}-{++_generation}";
        var router = Context.ActorOf(ModelRouterActor.Props(route, _dependencies), name);
        _starting[route.ModelId] = (router, new ModelEntry(route, null, ModelReadiness.NotProbedYet));
    }

    /// <summary>A starting router that was never listed has no requests: it stops at once.</summary>
    private void StopStarting(string modelId)
    {
        if (_starting.Remove(modelId, out var pending))
        {
            Context.Stop(pending.Router);
        }

        foreach (var (_, starting) in _pendingApplies)
        {
            starting.Remove(modelId);
        }
    }

    /// <summary>Unlists a model's router and lets it drain before it stops.</summary>
    private void Retire(string modelId)
    {
        if (_routers.Remove(modelId, out var router))
        {
            router.Tell(DrainRouter.Instance);
        }

        _entries.Remove(modelId);
    }

    private void Update(string modelId, Func<ModelEntry, ModelEntry> change)
    {
        // Only the current (or starting) router of a model may change its entry (a retired one may still be reporting).
        if (_starting.TryGetValue(modelId, out var pending) && pending.Router.Equals(Sender))
        {
            var entry = change(pending.Entry);
            if (entry.Pipeline is not null && entry.Readiness.CheckedAt is not null)
            {
                Promote(modelId, pending.Router, entry);
            }
            else
            {
                _starting[modelId] = (pending.Router, entry);
            }

            return;
        }

        if (_routers.TryGetValue(modelId, out var router) && router.Equals(Sender) && _entries.TryGetValue(modelId, out var current))
        {
            _entries[modelId] = change(current);
            Publish();
        }
    }

    /// <summary>A starting router has its pipeline up and its replicas probed: it replaces the listed one, which drains.</summary>
    private void Promote(string modelId, IActorRef router, ModelEntry entry)
    {
        _starting.Remove(modelId);
        Retire(modelId);
        _routers[modelId] = router;
        _entries[modelId] = entry;
        Publish();
        _log.Info("Model {Model} listed ({Readiness})", modelId, entry.Readiness.Reason);
        foreach (var (_, starting) in _pendingApplies)
        {
            starting.Remove(modelId);
        }

        ReplyToFinishedApplies();
    }

    private void Publish() =>
        _published.Publish(new ModelRegistrySnapshot(_order.Where(_entries.ContainsKey).Select(id => _entries[id])));

    private void CollectStatus()
    {
        var routers = _order.Where(_routers.ContainsKey).Select(id => _routers[id]).ToList();
        Task.WhenAll(routers.Select(r => r.Ask<ModelStatus>(GetModelStatus.Instance, StatusTimeout)))
            .PipeTo(Sender, success: statuses => new ModelStatuses(statuses), failure: e => new Status.Failure(e));
    }
}
