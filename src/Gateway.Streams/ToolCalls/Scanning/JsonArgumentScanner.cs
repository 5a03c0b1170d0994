using System.Buffers;
using System.Text.Json;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>Decodes call objects and turns their arguments into compact JSON text.</summary>
internal static class JsonArgumentScanner
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

    /// <summary>Reads <c>{"name": …, "arguments"|"parameters": {…}}</c>; missing arguments mean <c>{}</c>.</summary>
    public static bool TryReadCall(JsonElement call, out string name, out string argumentsJson)
    {
        name = string.Empty;
        argumentsJson = string.Empty;
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("name", out var nameElement)
            || nameElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(nameElement.GetString()))
        {
            return false;
        }

        name = nameElement.GetString()!.Trim();
        if (!call.TryGetProperty("arguments", out var arguments) && !call.TryGetProperty("parameters", out arguments))
        {
            argumentsJson = "{}";
            return true;
        }

        switch (arguments.ValueKind)
        {
            case JsonValueKind.Object:
                argumentsJson = Compact(arguments);
                return true;
            case JsonValueKind.Null:
                argumentsJson = "{}";
                return true;
            case JsonValueKind.String:
                // Some fine-tunes double-encode the arguments; accept a string that holds a JSON object.
                using (var inner = TryParse(arguments.GetString()))
                {
                    if (inner?.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        argumentsJson = Compact(inner.RootElement);
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Reads a call object (<paramref name="json"/> is the whole JSON object text).</summary>
    public static bool TryReadCall(ReadOnlySpan<char> json, out string name, out string argumentsJson)
    {
        using var document = TryParse(json);
        if (document is null)
        {
            name = argumentsJson = string.Empty;
            return false;
        }

        return TryReadCall(document.RootElement, out name, out argumentsJson);
    }

    /// <summary>Reads an array whose elements are all call objects (at least one); all or nothing.</summary>
    public static List<(string Name, string Arguments)>? TryReadCallArray(ReadOnlySpan<char> json)
    {
        using var document = TryParse(json);
        if (document is null || document.RootElement.ValueKind != JsonValueKind.Array || document.RootElement.GetArrayLength() == 0)
        {
            return null;
        }

        var calls = new List<(string, string)>(document.RootElement.GetArrayLength());
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (!TryReadCall(element, out var name, out var arguments))
            {
                return null;
            }

            calls.Add((name, arguments));
        }

        return calls;
    }

    /// <summary>Reads a JSON object text and re-serialises it compactly; null when it is not one.</summary>
    public static string? TryCompactObject(ReadOnlySpan<char> json)
    {
        using var document = TryParse(json);
        return document?.RootElement.ValueKind == JsonValueKind.Object ? Compact(document.RootElement) : null;
    }

    public static string Compact(JsonElement element)
    {
        var writer = new CompactJsonWriter();
        writer.WriteElement(element);
        return writer.ToString();
    }
}
