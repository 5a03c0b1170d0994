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
/// model and publishes a new immutable <see cref="ModelRegistrySnapshot"/> to <see cref="PublishedModelRegistry"/>
/// on every change, which the HTTP side reads without asking anyone.
/// </summary>
public sealed class ModelRegistryActor : ReceiveActor
{
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    private readonly PublishedModelRegistry _published;
    private readonly ModelRouterDependencies _dependencies;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ModelEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _routers = new(StringComparer.Ordinal);
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
        Receive<ModelPipelineChanged>(changed =>
        {
            Update(changed.ModelId, e => e with { Pipeline = changed.Pipeline });
            if (changed.Pipeline is not null && _routers.TryGetValue(changed.ModelId, out var router) && router.Equals(Sender))
            {
                MarkStarted(changed.ModelId);
            }
        });
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
            StopRouter(removed);
            _log.Info("Model {Model} removed", removed);
        }

        _order.Clear();
        foreach (var route in routes)
        {
            _order.Add(route.ModelId);
            if (_entries.TryGetValue(route.ModelId, out var current))
            {
                if (!ModelRouteComparer.Changed(current.Route, route))
                {
                    continue;
                }

                StopRouter(route.ModelId);
                _log.Info("Model {Model} changed; replacing its router", route.ModelId);
            }

            StartRouter(route);
            started.Add(route.ModelId);
        }

        Publish();
        return started;
    }

    /// <summary>Answers <see cref="ApplyModels"/> once every router it started has published its pipeline.</summary>
    private void MarkStarted(string modelId)
    {
        foreach (var (_, starting) in _pendingApplies)
        {
            starting.Remove(modelId);
        }

        ReplyToFinishedApplies();
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
        // A replaced or removed router may still be stopping under the plain name: the newcomer gets a suffix.
        var plain = RouterName(route.ModelId);
        var name = Context.Child(plain).IsNobody() ? plain : $"{plain}-{++_generation}";
        _routers[route.ModelId] = Context.ActorOf(ModelRouterActor.Props(route, _dependencies), name);
        _entries[route.ModelId] = new ModelEntry(route, null, ModelReadiness.NotProbedYet);
    }

    private void StopRouter(string modelId)
    {
        if (_routers.Remove(modelId, out var router))
        {
            Context.Stop(router);
        }

        _entries.Remove(modelId);
        foreach (var (_, starting) in _pendingApplies)
        {
            starting.Remove(modelId);
        }
    }

    private void Update(string modelId, Func<ModelEntry, ModelEntry> change)
    {
        // Only the current router of a model may change its entry (a replaced one may still be reporting).
        if (_routers.TryGetValue(modelId, out var router) && router.Equals(Sender) && _entries.TryGetValue(modelId, out var entry))
        {
            _entries[modelId] = change(entry);
            Publish();
        }
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
