using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Host.Configuration;

/// <summary>One model the gateway serves (<c>Gateway:Models:N</c>).</summary>
internal sealed class ModelSettings
{
    /// <summary>The name clients send in <c>model</c>. Non-empty, unique, case-sensitive.</summary>
    public string Id { get; set; } = "";

    /// <summary>The name vLLM serves (<c>--served-model-name</c>). <see cref="GatewayConfiguration.Bind"/> sets it to <see cref="Id"/> when empty.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>
    /// Base URLs of the vLLM replicas, e.g. <c>http://127.0.0.1:18000</c>, without <c>/v1</c>
    /// (<see cref="GatewayConfiguration.Bind"/> strips a trailing <c>/v1</c> or <c>/</c>).
    /// Empty on every model means simulated mode (see <see cref="GatewaySettings.Simulated"/>).
    /// </summary>
    public List<string> Upstreams { get; set; } = [];

    /// <summary>
    /// Weight of each entry of <see cref="Upstreams"/> (&gt; 0, default 1), by index. The config file writes an
    /// upstream as <c>{"url": ..., "weight": 2}</c>; <see cref="GatewayConfigFile"/> flattens that onto both lists.
    /// </summary>
    public List<double> UpstreamWeights { get; set; } = [];

    /// <summary>The weight of upstream <paramref name="index"/>.</summary>
    public double WeightOf(int index) => index < UpstreamWeights.Count ? UpstreamWeights[index] : 1;

    /// <summary>The gateway-side tool-call parser; one of <see cref="ToolCallParserRegistry.ConfigurableNames"/>. Legacy <c>TOOL_CALL_PARSER</c>.</summary>
    public string ToolCallParser { get; set; } = ToolCallParserRegistry.None;

    /// <summary>True when vLLM runs with <c>--enable-auto-tool-choice</c> and returns parsed tool calls itself.</summary>
    public bool UpstreamParsesTools { get; set; }

    /// <summary>Admission bound: requests sent upstream at once for this model (&gt; 0).</summary>
    public int MaxInFlight { get; set; } = 64;

    /// <summary>Requests waiting beyond <see cref="MaxInFlight"/> before new ones are shed (&gt;= 0).</summary>
    public int MaxQueue { get; set; } = 256;

    /// <summary>Requests one key may have waiting (&gt;= 0); 0 = half of <see cref="MaxQueue"/> (at least 1), so no key fills the queue.</summary>
    public int MaxQueuePerKey { get; set; }

    /// <summary>Context length, prompt plus output, in tokens (&gt; 0).</summary>
    public int MaxModelLen { get; set; } = 8192;

    /// <summary>
    /// Logs this model's prompts and completions, whatever the key (one extra log event per request, redacted and
    /// bounded). Off by default: prompt and completion text are otherwise never logged.
    /// </summary>
    public bool LogContent { get; set; }
}
