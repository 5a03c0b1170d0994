namespace Gateway.Streams.Json;

/// <summary>The top-level fields of a request body the gateway may have to change on its way to vLLM.</summary>
/// <param name="Model">Replaces <c>model</c> (the name vLLM serves), when set.</param>
/// <param name="IncludeUsage">Sets <c>stream_options.include_usage</c> to true, keeping the client's other stream options.</param>
/// <param name="ToolChoiceNone">Sets <c>tool_choice</c> to <c>"none"</c>.</param>
/// <param name="KeepSpecialTokens">Sets <c>skip_special_tokens</c> to false.</param>
internal readonly record struct BodyEdits(string? Model = null, bool IncludeUsage = false, bool ToolChoiceNone = false, bool KeepSpecialTokens = false)
{
    public bool Any => Model is not null || IncludeUsage || ToolChoiceNone || KeepSpecialTokens;
}
