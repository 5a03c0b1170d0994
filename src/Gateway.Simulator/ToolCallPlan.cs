namespace Gateway.Simulator;

/// <summary>
/// A structured tool call the simulated server returns in <c>tool_calls</c> (the plan's pieces are its arguments).
/// <paramref name="ParsedFromAuto"/>: found by the tool parser under <c>tool_choice: "auto"</c> (finish_reason
/// <c>tool_calls</c>, <c>content: null</c>) rather than forced by guided decoding for "required" or a named
/// function (finish_reason <c>stop</c>, <c>content: ""</c>), as vLLM v0.11 reports them.
/// </summary>
internal sealed record ToolCallPlan(string Id, string Name, bool ParsedFromAuto)
{
    /// <summary>vLLM's <c>random_tool_call_id()</c>: <c>chatcmpl-tool-</c> and 32 hex digits.</summary>
    public static string NewId() => "chatcmpl-tool-" + Guid.NewGuid().ToString("N");
}
