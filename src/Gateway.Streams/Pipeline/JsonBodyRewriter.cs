using System.Buffers;
using System.Text.Json;

namespace Gateway.Streams.Pipeline;

/// <summary>Rewrites top-level fields of a JSON request body and copies every other field as sent.</summary>
public static class JsonBodyRewriter
{
    public static byte[] ReplaceModel(JsonElement root, string model) => Rewrite(root, model, forceIncludeUsage: false);

    /// <summary>
    /// Replaces <c>model</c> (when <paramref name="model"/> is set) and, with <paramref name="forceIncludeUsage"/>,
    /// sets <c>stream_options.include_usage</c> to true while keeping the client's other stream options.
    /// </summary>
    public static byte[] Rewrite(JsonElement root, string? model, bool forceIncludeUsage)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            bool wroteModel = false, wroteOptions = false;
            foreach (var property in root.EnumerateObject())
            {
                if (model is not null && property.NameEquals("model"))
                {
                    writer.WriteString("model", model);
                    wroteModel = true;
                }
                else if (forceIncludeUsage && property.NameEquals("stream_options"))
                {
                    WriteStreamOptions(writer, property.Value);
                    wroteOptions = true;
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            if (model is not null && !wroteModel)
            {
                writer.WriteString("model", model);
            }

            if (forceIncludeUsage && !wroteOptions)
            {
                WriteStreamOptions(writer, default);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when the client asked for the usage chunk itself (<c>stream_options.include_usage: true</c>).</summary>
    public static bool ClientRequestedUsage(JsonElement root) =>
        root.TryGetProperty("stream_options", out var options)
        && options.ValueKind == JsonValueKind.Object
        && options.TryGetProperty("include_usage", out var include)
        && include.ValueKind == JsonValueKind.True;

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
