using Akka.Actor;
using Gateway.Streams.Limits;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Routing;

/// <summary>Parent of one <see cref="ModelRouterActor"/> per configured model; restarts a router that crashes.</summary>
public sealed class ModelRegistryActor : ReceiveActor
{
    public ModelRegistryActor(ModelCatalog catalog, IRateLimiter limiter, VllmDispatcher dispatcher, UpstreamProbe probe, TimeSpan probeInterval)
    {
        var routers = new List<IActorRef>();
        foreach (var handle in catalog.All)
        {
            routers.Add(Context.ActorOf(ModelRouterActor.Props(handle, limiter, dispatcher, probe, probeInterval), RouterName(handle.ModelId)));
        }

        ReceiveAsync<GetModelStatus>(async _ =>
        {
            var sender = Sender;
            var statuses = await Task.WhenAll(routers.Select(r => r.Ask<ModelStatus>(GetModelStatus.Instance, TimeSpan.FromSeconds(5)))).ConfigureAwait(false);
            sender.Tell(new ModelStatuses(statuses));
        });
    }

    public static Props Props(ModelCatalog catalog, IRateLimiter limiter, VllmDispatcher dispatcher, UpstreamProbe probe, TimeSpan probeInterval) =>
        Akka.Actor.Props.Create(() => new ModelRegistryActor(catalog, limiter, dispatcher, probe, probeInterval));

    /// <summary>Actor names allow a limited alphabet; model ids like <c>org/Model:7b</c> are escaped.</summary>
    public static string RouterName(string modelId) => "model-" + Uri.EscapeDataString(modelId).Replace("%", "_", StringComparison.Ordinal);

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), localOnlyDecider: _ => Directive.Restart);
}
