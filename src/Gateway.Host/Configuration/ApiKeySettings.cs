namespace Gateway.Host.Configuration;

/// <summary>One client API key (<c>Gateway:Auth:Keys:N</c>), sent as <c>Authorization: Bearer &lt;Key&gt;</c>.</summary>
internal sealed class ApiKeySettings
{
    /// <summary>The secret itself. Non-empty and unique across keys.</summary>
    public string Key { get; set; } = "";

    /// <summary>A label safe to log and to use in metrics. Defaults to <c>key-N</c> (1-based) when empty.</summary>
    public string Name { get; set; } = "";

    /// <summary>Model ids this key may use; empty means every configured model.</summary>
    public List<string> AllowedModels { get; set; } = [];

    /// <summary>May call the operator endpoints (<c>/admin/config</c>).</summary>
    public bool Admin { get; set; }
}
