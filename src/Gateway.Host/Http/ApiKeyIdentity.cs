namespace Gateway.Host.Http;

/// <summary>An authenticated caller: its key's name (never the key) and the models it may use (empty = all).</summary>
internal sealed record ApiKeyIdentity(string Name, IReadOnlySet<string> AllowedModels)
{
    public bool MayUse(string model) => AllowedModels.Count == 0 || AllowedModels.Contains(model);
}
