using Gateway.Streams.Stages;
using Gateway.Streams.Pipeline;

namespace Gateway.Actors.Routing;

/// <summary>
/// Where <see cref="ModelRegistryActor"/> publishes its <see cref="ModelRegistrySnapshot"/> for the HTTP side: one
/// volatile reference, swapped whole. Readers never lock and never ask an actor; only the registry writes.
/// </summary>
public sealed class PublishedModelRegistry
{
    private volatile ModelRegistrySnapshot _current;

    /// <summary>Starts with the configured models (no pipelines yet) until the registry publishes its own view.</summary>
    public PublishedModelRegistry(IEnumerable<ModelRoute> configured) => _current = ModelRegistrySnapshot.Configured(configured);

    public ModelRegistrySnapshot Current => _current;

    internal void Publish(ModelRegistrySnapshot snapshot) => _current = snapshot;
}
