using System.Text;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

/// <summary>A read SSE body: raw bytes, and the <c>data:</c> payloads if the framing is exactly vLLM's.</summary>
internal sealed class SseResult(HttpResponseMessage response, byte[] raw, Exception? readError)
{
    public HttpResponseMessage Response { get; } = response;

    public byte[] RawBytes { get; } = raw;

    public string Raw { get; } = Encoding.UTF8.GetString(raw);

    public Exception? ReadError { get; } = readError;

    /// <summary>Payloads of complete events (text after <c>data: </c>), [DONE] included; asserts the framing.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            var parts = Raw.Split("\n\n");
            var events = new List<string>();
            for (var i = 0; i < parts.Length - 1; i++)
            {
                Assert.StartsWith("data: ", parts[i], StringComparison.Ordinal);
                Assert.DoesNotContain('\n', parts[i]);
                events.Add(parts[i]["data: ".Length..]);
            }

            return events;
        }
    }

    /// <summary>The JSON chunks (everything but [DONE]).</summary>
    public IReadOnlyList<JsonElement> Chunks =>
        [.. Events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.Clone())];

    /// <summary>Concatenation of every chat delta's content (or completion text).</summary>
    public string Content =>
        string.Concat(Chunks
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0])
            .Select(choice => choice.TryGetProperty("delta", out var delta)
                ? (delta.TryGetProperty("content", out var content) ? content.GetString() : null)
                : choice.GetProperty("text").GetString()));
}
