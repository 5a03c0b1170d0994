namespace Gateway.Host.Http;

/// <summary>
/// An authenticated caller: its key's name (never the key), the models it may use (empty = all), and whether it
/// may call the operator endpoints.
/// </summary>
internal sealed record ApiKeyIdentity(string Name, IReadOnlySet<string> AllowedModels, bool Admin = false)
{
    public bool MayUse(string model) => AllowedModels.Count == 0 || AllowedModels.Contains(model);
}
