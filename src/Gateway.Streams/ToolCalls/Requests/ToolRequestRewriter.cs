using System.Runtime.InteropServices;
using System.Text.Json;
using Gateway.Streams.Json;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Requests;

/// <summary>
/// Prepares a chat request for a vLLM that does not parse tool calls itself while the gateway does: an
/// <c>auto</c> (or absent) <c>tool_choice</c> becomes <c>none</c> (vLLM still renders the tools into the prompt
/// but answers <c>auto</c> with 400 without <c>--enable-auto-tool-choice</c>) and <c>skip_special_tokens</c>
/// becomes <c>false</c> so marker tokens survive detokenisation. Every other field is copied as sent, in order.
/// </summary>
internal static class ToolRequestRewriter
{
    /// <param name="includeUsage">Also ask for the stream's usage chunk (see <see cref="BodyEdits.IncludeUsage"/>), in the same pass.</param>
    public static ToolRewriteResult Rewrite(JsonElement requestRoot, string? upstreamModelName, bool gatewayParses, bool includeUsage = false)
    {
        if (requestRoot.ValueKind != JsonValueKind.Object)
        {
            return new ToolRewriteResult(JsonMarshal.GetRawUtf8Value(requestRoot).ToArray(), false, ToolSchemas.Empty);
        }

        var parse = gatewayParses && NeedsGatewayParsing(requestRoot);
        var body = JsonBodyRewriter.Rewrite(requestRoot, new BodyEdits(upstreamModelName, includeUsage, ToolChoiceNone: parse, KeepSpecialTokens: parse));
        return new ToolRewriteResult(body, parse, ToolSchemas.FromRequest(requestRoot));
    }

    /// <summary>Non-empty <c>tools</c> and <c>tool_choice</c> <c>auto</c>, absent or null.</summary>
    private static bool NeedsGatewayParsing(JsonElement requestRoot)
    {
        if (!requestRoot.TryGetProperty("tools", out var tools) || !ToolJson.IsNonEmptyArray(tools))
        {
            return false;
        }

        if (!requestRoot.TryGetProperty("tool_choice", out var choice))
        {
            return true;
        }

        return choice.ValueKind == JsonValueKind.Null
            || (choice.ValueKind == JsonValueKind.String && choice.ValueEquals("auto"));
    }
}
