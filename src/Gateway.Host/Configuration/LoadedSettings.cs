namespace Gateway.Host.Configuration;

/// <summary>
/// Validated settings together with the raw <c>Gateway:*</c> values they were bound from (what a reload compares
/// to tell which settings changed).
/// </summary>
internal sealed record LoadedSettings(GatewaySettings Settings, IReadOnlyDictionary<string, string?> Values);
