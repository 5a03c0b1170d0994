using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Routing;

namespace Gateway.Host.Hosting;

/// <summary>Adds the model registry and its routers to the actor system, as Akka.Hosting's own <c>WithClustering</c> does.</summary>
internal static class ModelRouterHostingExtensions
{
    public const string RegistryName = "model-registry";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Starts <see cref="ModelRegistryActor"/> (registered for <c>IRequiredActor&lt;ModelRegistryActor&gt;</c>) and, before
    /// the host finishes starting, has it run <see cref="GatewayRuntime.Routes"/> until every model's pipeline is up;
    /// it publishes the model set to <see cref="GatewayRuntime.Models"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithModelRouters(this AkkaConfigurationBuilder builder, GatewayRuntime runtime) =>
        builder
            .WithActors((system, registry) =>
                registry.Register<ModelRegistryActor>(system.ActorOf(ModelRegistryActor.Props(runtime.Models, runtime.RouterDependencies), RegistryName)))
            .AddStartup(async (_, registry) =>
                await registry.Get<ModelRegistryActor>().Ask<ModelsApplied>(new ApplyModels(runtime.Routes), StartTimeout).ConfigureAwait(false));
}
