using Gateway.Streams.Limits;

namespace Gateway.Host.Http;

/// <summary>
/// An authenticated caller: its key's name (never the key; limits and usage are kept under it), the models it may
/// use (empty = all), its limits and fair-queue priority, whether it is enabled, and whether it may call the operator
/// endpoints and read every key's usage, and whether its prompts and completions are logged.
/// </summary>
internal sealed record ApiKeyIdentity(string Name, IReadOnlySet<string> AllowedModels, KeyLimits Limits, bool Enabled = true, bool Admin = false, bool LogContent = false)
{
    public bool MayUse(string model) => AllowedModels.Count == 0 || AllowedModels.Contains(model);
}
