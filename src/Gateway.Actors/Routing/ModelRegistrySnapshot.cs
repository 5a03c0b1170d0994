using Gateway.Streams.Stages;
using System.Collections.Frozen;
using Gateway.Streams.Pipeline;

namespace Gateway.Actors.Routing;

/// <summary>
/// The model set at one moment, published by <see cref="ModelRegistryActor"/>: models by client-facing id (exact,
/// case-sensitive) in configuration order. Immutable, so the HTTP side reads it without locks or messages: one
/// dictionary lookup per request.
/// </summary>
public sealed class ModelRegistrySnapshot
{
    private readonly FrozenDictionary<string, ModelEntry> _byId;

    public ModelRegistrySnapshot(IEnumerable<ModelEntry> entries)
    {
        All = [.. entries];
        _byId = All.ToFrozenDictionary(e => e.ModelId, StringComparer.Ordinal);
    }

    public static ModelRegistrySnapshot Empty { get; } = new([]);

    public IReadOnlyList<ModelEntry> All { get; }

    /// <summary>Configured models whose routers have not started yet: no pipeline, not probed.</summary>
    public static ModelRegistrySnapshot Configured(IEnumerable<ModelRoute> routes) =>
        new(routes.Select(r => new ModelEntry(r, null, ModelReadiness.NotProbedYet)));

    public bool TryGet(string modelId, out ModelEntry entry) => _byId.TryGetValue(modelId, out entry!);
}
