namespace Gateway.Host.Configuration;

/// <summary>
/// One client API key (<c>Gateway:Auth:Keys:N</c>), sent as <c>Authorization: Bearer &lt;key&gt;</c>. The secret is
/// given as <see cref="Key"/> or as its SHA-256 digest <see cref="KeySha256"/> (so the file can be committed).
/// Limits left unset use the defaults in <c>Gateway:RateLimit</c>; 0 means unlimited.
/// </summary>
internal sealed class ApiKeySettings
{
    /// <summary>The secret itself. Exactly one of <see cref="Key"/> and <see cref="KeySha256"/>; unique across keys.</summary>
    public string Key { get; set; } = "";

    /// <summary>The secret's SHA-256 digest as 64 hex digits (<c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string KeySha256 { get; set; } = "";

    /// <summary>A label safe to log and to use in metrics; limits and usage are kept under it. Defaults to a digest prefix when empty.</summary>
    public string Name { get; set; } = "";

    /// <summary>Model ids this key may use; empty means every configured model.</summary>
    public List<string> AllowedModels { get; set; } = [];

    /// <summary>Requests per minute (token bucket); unset: <c>Gateway:RateLimit:RequestsPerMinute</c>.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt + completion) per minute; unset: <c>Gateway:RateLimit:TokensPerMinute</c>.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests in flight or queued at once; unset: <c>Gateway:RateLimit:MaxConcurrent</c>.</summary>
    public int? MaxConcurrent { get; set; }

    /// <summary>Weight in the fair queue (&gt; 0): a key of priority 2 gets twice the tokens of a key of priority 1 when both wait.</summary>
    public double Priority { get; set; } = 1;

    /// <summary>False answers the key with 401 <c>key_disabled</c>, keeping its usage history.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>May read every key's usage (<c>GET /v1/usage</c>) and call the operator endpoints (<c>/admin/config</c>).</summary>
    public bool Admin { get; set; }

    /// <summary>
    /// Logs this key's prompts and completions (one extra log event per request, redacted and bounded). Off by
    /// default: prompt and completion text are otherwise never logged.
    /// </summary>
    public bool LogContent { get; set; }
}
