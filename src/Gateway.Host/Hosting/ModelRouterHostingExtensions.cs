using Akka.Actor;
using Akka.Hosting;
using Gateway.Actors.Routing;

namespace Gateway.Host.Hosting;

/// <summary>Adds the model registry and its routers to the actor system, as Akka.Hosting's own <c>WithClustering</c> does.</summary>
public static class ModelRouterHostingExtensions
{
    public const string RegistryName = "model-registry";

    /// <summary>
    /// Starts <see cref="ModelRegistryActor"/> (registered for <c>IRequiredActor&lt;ModelRegistryActor&gt;</c>) and tells
    /// it to run <see cref="GatewayRuntime.Routes"/>; it publishes the model set to <see cref="GatewayRuntime.Models"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithModelRouters(this AkkaConfigurationBuilder builder, GatewayRuntime runtime) =>
        builder.WithActors((system, registry) =>
        {
            var models = system.ActorOf(ModelRegistryActor.Props(runtime.Models, runtime.RouterDependencies), RegistryName);
            models.Tell(new ApplyModels(runtime.Routes), ActorRefs.NoSender);
            registry.Register<ModelRegistryActor>(models);
        });
}
