using System.Text.Json;

namespace Gateway.Soak;

/// <summary>Reading what came back: usage, error codes, tool calls.</summary>
internal static class Responses
{
    public static Usage? ReadUsage(JsonElement root) =>
        root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object
            && u.TryGetProperty("prompt_tokens", out var p) && u.TryGetProperty("completion_tokens", out var c)
            ? new Usage(p.GetInt64(), c.GetInt64())
            : null;

    public static string? ErrorCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && e.TryGetProperty("code", out var c) ? c.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool HasToolCalls(JsonElement root) =>
        root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
        && choices.EnumerateArray().Any(c => c.TryGetProperty("message", out var m) && m.TryGetProperty("tool_calls", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() > 0);
}
