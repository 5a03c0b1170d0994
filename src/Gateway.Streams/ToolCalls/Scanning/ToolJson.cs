using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>JSON helpers shared by the tool-call request rewriter and response transformers.</summary>
internal static class ToolJson
{
    /// <summary>Compact output with non-ASCII kept as raw UTF-8, as vLLM writes it.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Bodies can carry deep JSON Schemas (tools) or nested arguments; the default depth (64) is too tight.</summary>
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> buffer) => new(buffer, WriterOptions);

    /// <summary>Writes a value exactly as it was sent (same escaping, same number spelling).</summary>
    public static void WriteRaw(Utf8JsonWriter writer, JsonElement value) =>
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(value), skipInputValidation: true);

    /// <summary>Writes a property name and its value exactly as they were sent.</summary>
    public static void WriteRaw(Utf8JsonWriter writer, JsonProperty property)
    {
        writer.WritePropertyName(property.Name);
        WriteRaw(writer, property.Value);
    }

    public static bool IsNonEmptyArray(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0;

    /// <summary>The string value, or null when it is not a string or holds an invalid escape (lone surrogate).</summary>
    public static string? SafeString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        return false;
    }
}
