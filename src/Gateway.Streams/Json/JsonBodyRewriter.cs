using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Streams.Json;

/// <summary>
/// Applies <see cref="BodyEdits"/> in one pass. Every other field is copied byte for byte as the client sent it
/// (same escaping, same number spelling, same order); edited fields keep their place, missing ones are appended.
/// </summary>
internal static class JsonBodyRewriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Rewrite(JsonElement root, BodyEdits edits)
    {
        var raw = JsonMarshal.GetRawUtf8Value(root);
        if (!edits.Any || root.ValueKind != JsonValueKind.Object)
        {
            return raw.ToArray();
        }

        if (edits is { IncludeUsage: true, Model: null, ToolChoiceNone: false, KeepSpecialTokens: false }
            && !root.TryGetProperty("stream_options"u8, out _))
        {
            return AppendIncludeUsage(raw); // the common stream: one copy, nothing parsed again
        }

        var buffer = new ArrayBufferWriter<byte>(raw.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            bool wroteModel = false, wroteOptions = false, wroteToolChoice = false, wroteSkip = false;
            foreach (var property in root.EnumerateObject())
            {
                if (edits.Model is not null && property.NameEquals("model"))
                {
                    WriteOnce(ref wroteModel, () => writer.WriteString("model", edits.Model));
                }
                else if (edits.IncludeUsage && property.NameEquals("stream_options"))
                {
                    WriteOnce(ref wroteOptions, () => WriteStreamOptions(writer, property.Value));
                }
                else if (edits.ToolChoiceNone && property.NameEquals("tool_choice"))
                {
                    WriteOnce(ref wroteToolChoice, () => writer.WriteString("tool_choice", "none"));
                }
                else if (edits.KeepSpecialTokens && property.NameEquals("skip_special_tokens"))
                {
                    WriteOnce(ref wroteSkip, () => writer.WriteBoolean("skip_special_tokens", false));
                }
                else
                {
                    writer.WritePropertyName(property.Name);
                    writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(property.Value), skipInputValidation: true);
                }
            }

            if (edits.Model is not null && !wroteModel)
            {
                writer.WriteString("model", edits.Model);
            }

            if (edits.IncludeUsage && !wroteOptions)
            {
                WriteStreamOptions(writer, default);
            }

            if (edits.ToolChoiceNone && !wroteToolChoice)
            {
                writer.WriteString("tool_choice", "none");
            }

            if (edits.KeepSpecialTokens && !wroteSkip)
            {
                writer.WriteBoolean("skip_special_tokens", false);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when the client asked for the usage chunk itself (<c>stream_options.include_usage: true</c>).</summary>
    public static bool ClientRequestedUsage(JsonElement root) =>
        root.TryGetProperty("stream_options"u8, out var options)
        && options.ValueKind == JsonValueKind.Object
        && options.TryGetProperty("include_usage"u8, out var include)
        && include.ValueKind == JsonValueKind.True;

    /// <summary>
    /// The client's bytes up to the closing brace, then <c>"stream_options":{"include_usage":true}}</c>: what the
    /// general path writes for a body without <c>stream_options</c>, without re-writing every other field.
    /// </summary>
    private static byte[] AppendIncludeUsage(ReadOnlySpan<byte> raw)
    {
        var suffix = "\"stream_options\":{\"include_usage\":true}}"u8;
        var open = raw[..^1]; // everything but the closing '}'
        var hasFields = open[1..].TrimStart(" \t\r\n"u8).Length > 0;
        var result = new byte[open.Length + (hasFields ? 1 : 0) + suffix.Length];
        open.CopyTo(result);
        var at = open.Length;
        if (hasFields)
        {
            result[at++] = (byte)',';
        }

        suffix.CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>A duplicated key is written once, with the edited value.</summary>
    private static void WriteOnce(ref bool written, Action write)
    {
        if (!written)
        {
            write();
            written = true;
        }
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer, JsonElement existing)
    {
        writer.WriteStartObject("stream_options");
        if (existing.ValueKind == JsonValueKind.Object)
        {
            foreach (var option in existing.EnumerateObject())
            {
                if (!option.NameEquals("include_usage"))
                {
                    option.WriteTo(writer);
                }
            }
        }

        writer.WriteBoolean("include_usage", true);
        writer.WriteEndObject();
    }
}
