namespace Gateway.Streams.Proxy;

/// <summary>Part of the catalogue: the operator endpoints (<c>/admin/config</c>).</summary>
public sealed partial record GatewayError
{
    /// <summary>Codes of this part of the catalogue (listed in <see cref="Codes"/>).</summary>
    public static IReadOnlyList<string> AdminCodes { get; } = ["admin_key_required"];

    /// <summary>An operator endpoint called without an admin key (or, with auth off, from another host than loopback).</summary>
    public static GatewayError AdminKeyRequired(string path) => new(
        403, $"'{path}' needs an API key with \"admin\": true (with authentication off: a loopback caller).", "permission_error", "admin_key_required");
}
