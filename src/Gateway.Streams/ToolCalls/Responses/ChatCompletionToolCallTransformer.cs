using System.Buffers;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Responses;

/// <summary>
/// Turns tool-call markup in a non-streaming <c>chat.completion</c> body into structured <c>tool_calls</c>.
/// Choices that vLLM already parsed are left alone; a body with nothing to change comes back byte-identical.
/// </summary>
internal static class ChatCompletionToolCallTransformer
{
    public static byte[] TransformResponse(ReadOnlySpan<byte> responseJson, IToolCallParser parser, ToolSchemas tools)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(tools);
        try
        {
            return Transform(responseJson, parser, tools) ?? responseJson.ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return responseJson.ToArray();
        }
    }

    /// <summary>The rewritten body, or null when nothing changes.</summary>
    private static byte[]? Transform(ReadOnlySpan<byte> responseJson, IToolCallParser parser, ToolSchemas tools)
    {
        using var document = JsonDocument.Parse(responseJson.ToArray(), ToolJson.DocumentOptions);
        var root = document.RootElement;
        if (!ToolJson.TryGet(root, "choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var parsed = new ToolCallParseResult?[choices.GetArrayLength()];
        var changed = false;
        var i = 0;
        foreach (var choice in choices.EnumerateArray())
        {
            parsed[i] = ParseChoice(choice, parser, tools);
            changed |= parsed[i] is not null;
            i++;
        }

        if (!changed)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(responseJson.Length + 256);
        using (var writer = ToolJson.CreateWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in root.EnumerateObject())
            {
                if (!property.NameEquals("choices"))
                {
                    ToolJson.WriteRaw(writer, property);
                    continue;
                }

                writer.WritePropertyName(property.Name);
                writer.WriteStartArray();
                i = 0;
                foreach (var choice in property.Value.EnumerateArray())
                {
                    if (parsed[i] is { } result)
                    {
                        WriteChoice(writer, choice, result);
                    }
                    else
                    {
                        ToolJson.WriteRaw(writer, choice);
                    }

                    i++;
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The calls found in the choice's content, or null when the choice stays as it is.</summary>
    private static ToolCallParseResult? ParseChoice(JsonElement choice, IToolCallParser parser, ToolSchemas tools)
    {
        if (!ToolJson.TryGet(choice, "message", out var message)
            || message.ValueKind != JsonValueKind.Object
            || (message.TryGetProperty("tool_calls", out var existing) && ToolJson.IsNonEmptyArray(existing))
            || !message.TryGetProperty("content", out var contentElement)
            || ToolJson.SafeString(contentElement) is not { Length: > 0 } content)
        {
            return null;
        }

        ToolCallParseResult result;
        try
        {
            result = parser.Parse(content, tools);
        }
        catch (Exception)
        {
            // A parser bug must not cost the client its answer: the raw text goes back as content.
            return null;
        }

        return result.ToolCalls.Count > 0 ? result : null;
    }

    private static void WriteChoice(Utf8JsonWriter writer, JsonElement choice, ToolCallParseResult result)
    {
        writer.WriteStartObject();
        var wroteFinish = false;
        foreach (var property in choice.EnumerateObject())
        {
            if (property.NameEquals("message"))
            {
                writer.WritePropertyName(property.Name);
                WriteMessage(writer, property.Value, result);
            }
            else if (property.NameEquals("finish_reason"))
            {
                if (!wroteFinish)
                {
                    // As vLLM does: a parsed call reports tool_calls, overriding stop and length.
                    writer.WriteString("finish_reason", "tool_calls");
                    wroteFinish = true;
                }
            }
            else
            {
                ToolJson.WriteRaw(writer, property);
            }
        }

        if (!wroteFinish)
        {
            writer.WriteString("finish_reason", "tool_calls");
        }

        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, JsonElement message, ToolCallParseResult result)
    {
        writer.WriteStartObject();
        var wroteToolCalls = false;
        var wroteContent = false;
        foreach (var property in message.EnumerateObject())
        {
            if (property.NameEquals("content"))
            {
                if (!wroteContent)
                {
                    WriteContent(writer, result.Content);
                    wroteContent = true;
                }
            }
            else if (property.NameEquals("tool_calls"))
            {
                if (!wroteToolCalls)
                {
                    WriteToolCalls(writer, result.ToolCalls);
                    wroteToolCalls = true;
                }
            }
            else
            {
                ToolJson.WriteRaw(writer, property);
            }
        }

        if (!wroteToolCalls)
        {
            WriteToolCalls(writer, result.ToolCalls);
        }

        writer.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter writer, string? content)
    {
        if (content is null)
        {
            writer.WriteNull("content");
        }
        else
        {
            writer.WriteString("content", content);
        }
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, IReadOnlyList<ToolCall> calls)
    {
        writer.WriteStartArray("tool_calls");
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.ArgumentsJson);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
