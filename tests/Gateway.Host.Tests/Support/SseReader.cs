using System.Text;

namespace Gateway.Host.Tests.Support;

/// <summary>Splits a complete SSE body into its <c>data:</c> payloads (tests only; the gateway parses bytes).</summary>
public static class SseReader
{
    public static List<string> Events(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new FormatException($"Not an SSE data event: {e}"))
            .ToList();

    public static string Content(IEnumerable<string> events)
    {
        var text = new StringBuilder();
        foreach (var e in events.Where(e => e != "[DONE]"))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(e);
            if (!doc.RootElement.TryGetProperty("choices", out var choices))
            {
                continue;
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    text.Append(content.GetString());
                }
            }
        }

        return text.ToString();
    }
}
