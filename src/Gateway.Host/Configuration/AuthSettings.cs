namespace Gateway.Host.Configuration;

/// <summary>
/// Client authentication (<c>Gateway:Auth</c>). With neither a bearer token nor keys, authentication is off,
/// which validation allows only when the server binds to a loopback address.
/// </summary>
internal sealed class AuthSettings
{
    /// <summary>The single shared token of the Python gateway (<c>BEARER_TOKEN</c>); empty or null disables it.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Named keys, each optionally restricted to some models.</summary>
    public List<ApiKeySettings> Keys { get; set; } = [];
}
