using System.Text.Json;

namespace Gateway.Soak;

/// <summary>A complete SSE body as the client received it: its <c>data:</c> payloads, [DONE] count, error events, usage.</summary>
internal sealed record StreamBody(IReadOnlyList<string> Events, int DoneCount, bool DoneIsLast, int ErrorEvents, Usage? Usage, bool SawToolCall)
{
    public static StreamBody Parse(string body)
    {
        var events = body.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : e)
            .ToList();
        var done = events.Count(e => e == "[DONE]");
        var errors = 0;
        Usage? usage = null;
        var toolCall = false;
        foreach (var e in events.Where(e => e.StartsWith('{')))
        {
            try
            {
                using var doc = JsonDocument.Parse(e);
                var root = doc.RootElement;
                errors += root.TryGetProperty("error", out _) ? 1 : 0;
                usage = Responses.ReadUsage(root) ?? usage;
                toolCall |= root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array
                    && choices.EnumerateArray().Any(c => c.TryGetProperty("delta", out var d) && d.TryGetProperty("tool_calls", out var t) && t.ValueKind == JsonValueKind.Array);
            }
            catch (JsonException)
            {
                // A malformed event relayed as vLLM sent it (malformed_sse): the client sees it as is.
            }
        }

        return new StreamBody(events, done, events.Count > 0 && events[^1] == "[DONE]", errors, usage, toolCall);
    }
}
