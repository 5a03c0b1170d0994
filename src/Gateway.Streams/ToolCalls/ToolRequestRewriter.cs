using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Gateway.Streams.ToolCalls;

/// <summary>The upstream request body, and whether the gateway must parse tool calls out of the response.</summary>
public sealed record ToolRewriteResult(byte[] Body, bool ParseResponse, ToolSchemas Schemas);

/// <summary>
/// Prepares a chat request for a vLLM that does not parse tool calls itself while the gateway does: an
/// <c>auto</c> (or absent) <c>tool_choice</c> becomes <c>none</c> (vLLM still renders the tools into the prompt
/// but answers <c>auto</c> with 400 without <c>--enable-auto-tool-choice</c>) and <c>skip_special_tokens</c>
/// becomes <c>false</c> so marker tokens survive detokenisation. Every other field is copied as sent, in order.
/// </summary>
public static class ToolRequestRewriter
{
    public static ToolRewriteResult Rewrite(JsonElement requestRoot, string? upstreamModelName, bool gatewayParses)
    {
        if (requestRoot.ValueKind != JsonValueKind.Object)
        {
            return new ToolRewriteResult(JsonMarshal.GetRawUtf8Value(requestRoot).ToArray(), false, ToolSchemas.Empty);
        }

        var schemas = ToolSchemas.FromRequest(requestRoot);
        var parse = gatewayParses && NeedsGatewayParsing(requestRoot);
        if (!parse && upstreamModelName is null)
        {
            return new ToolRewriteResult(JsonMarshal.GetRawUtf8Value(requestRoot).ToArray(), false, schemas);
        }

        var buffer = new ArrayBufferWriter<byte>(JsonMarshal.GetRawUtf8Value(requestRoot).Length + 64);
        using (var writer = ToolJson.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            bool wroteModel = false, wroteToolChoice = false, wroteSkip = false;
            foreach (var property in requestRoot.EnumerateObject())
            {
                if (upstreamModelName is not null && property.NameEquals("model"))
                {
                    if (!wroteModel)
                    {
                        writer.WriteString("model", upstreamModelName);
                        wroteModel = true;
                    }
                }
                else if (parse && property.NameEquals("tool_choice"))
                {
                    if (!wroteToolChoice)
                    {
                        writer.WriteString("tool_choice", "none");
                        wroteToolChoice = true;
                    }
                }
                else if (parse && property.NameEquals("skip_special_tokens"))
                {
                    if (!wroteSkip)
                    {
                        writer.WriteBoolean("skip_special_tokens", false);
                        wroteSkip = true;
                    }
                }
                else
                {
                    ToolJson.WriteRaw(writer, property);
                }
            }

            if (upstreamModelName is not null && !wroteModel)
            {
                writer.WriteString("model", upstreamModelName);
            }

            if (parse && !wroteToolChoice)
            {
                writer.WriteString("tool_choice", "none");
            }

            if (parse && !wroteSkip)
            {
                writer.WriteBoolean("skip_special_tokens", false);
            }

            writer.WriteEndObject();
        }

        return new ToolRewriteResult(buffer.WrittenSpan.ToArray(), parse, schemas);
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
