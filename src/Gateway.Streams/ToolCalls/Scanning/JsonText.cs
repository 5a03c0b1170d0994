using System.Buffers;
using System.Text.Json;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>Parses JSON text held as characters.</summary>
internal static class JsonText
{
    public static JsonDocument? TryParse(ReadOnlySpan<char> json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = System.Text.Encoding.UTF8.GetBytes(json, rented);
            var reader = new Utf8JsonReader(rented.AsSpan(0, length));
            return JsonDocument.TryParseValue(ref reader, out var document) && reader.BytesConsumed == length
                ? document
                : Dispose(document);
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static JsonDocument? Dispose(JsonDocument? document)
    {
        document?.Dispose();
        return null;
    }
}
