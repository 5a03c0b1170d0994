using System.Collections.Frozen;

namespace Gateway.Actors.Routing;

/// <summary>The configured models by client-facing id (exact, case-sensitive), in configuration order.</summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelHandle> _byId;

    public ModelCatalog(IEnumerable<ModelHandle> handles)
    {
        All = [.. handles];
        _byId = All.ToFrozenDictionary(h => h.ModelId, StringComparer.Ordinal);
    }

    public IReadOnlyList<ModelHandle> All { get; }

    public bool TryGet(string modelId, out ModelHandle handle) => _byId.TryGetValue(modelId, out handle!);
}
