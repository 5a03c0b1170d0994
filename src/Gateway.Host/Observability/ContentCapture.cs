using System.Text;
using System.Text.Json;

namespace Gateway.Host.Observability;

/// <summary>
/// The prompt and completion text of one request whose key or model has <c>logContent</c> on, for the one content
/// log event written when it ends (<see cref="ContentLog"/>). Exists only for those requests: every other request
/// has none, so nothing is copied, parsed or allocated for it. Both texts are bounded to <see cref="MaxChars"/>.
/// </summary>
internal sealed class ContentCapture
{
    /// <summary>The most characters kept of the prompt and of the completion; the rest is cut with a marker.</summary>
    public const int MaxChars = 64 * 1024;

    private readonly StringBuilder _completion = new();
    private long _dropped;

    private ContentCapture(string? prompt) => Prompt = prompt;

    /// <summary>
    /// The request's prompt as the client sent it (raw JSON): <c>messages</c> (chat), <c>prompt</c> (completions) or
    /// <c>input</c> (responses, embeddings); null when it has none of them.
    /// </summary>
    public string? Prompt { get; }

    /// <summary>The completion text relayed so far (a stream's concatenated content and tool-call argument deltas).</summary>
    public string Completion => _dropped == 0 ? _completion.ToString() : _completion + TruncationMarker(_dropped);

    /// <summary>A capture of <paramref name="body"/>'s prompt.</summary>
    public static ContentCapture Start(JsonElement body)
    {
        foreach (var name in (ReadOnlySpan<string>)["messages", "prompt", "input"])
        {
            if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value))
            {
                return new ContentCapture(Bound(value.GetRawText()));
            }
        }

        return new ContentCapture(null);
    }

    /// <summary><paramref name="text"/> cut to <see cref="MaxChars"/>, with a marker saying how much was cut.</summary>
    public static string Bound(string text) => text.Length <= MaxChars ? text : string.Concat(text.AsSpan(0, MaxChars), TruncationMarker(text.Length - MaxChars));

    /// <summary>The completion text of a whole (non-streamed) response body.</summary>
    public void CollectBody(ReadOnlySpan<byte> json) => Collect(json, streamed: false);

    /// <summary>
    /// One write of a stream relay as the client receives it: a <c>data: </c> frame, its JSON payload or the blank line
    /// that ends it. Only JSON objects are read (their deltas appended); the rest is framing.
    /// </summary>
    public void CollectStreamWrite(ReadOnlySpan<byte> bytes)
    {
        var data = bytes.TrimStart(" \t\r\n"u8);
        if (data.StartsWith("data:"u8))
        {
            data = data[5..].TrimStart(" "u8);
        }

        if (!data.IsEmpty && data[0] == (byte)'{')
        {
            Collect(data, streamed: true);
        }
    }

    private static string TruncationMarker(long dropped) => $"…[truncated {dropped} chars]";

    private void Collect(ReadOnlySpan<byte> json, bool streamed)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = false });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return; // not one JSON object (an in-band error frame cut short, say): nothing to take from it
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var choice in choices.EnumerateArray())
                {
                    CollectChoice(choice, streamed ? "delta" : "message");
                }
            }
            else if (streamed)
            {
                // Responses API events: response.output_text.delta, response.function_call_arguments.delta.
                if (String(root, "type") is { } type && type.EndsWith(".delta", StringComparison.Ordinal)
                    && (type.Contains("output_text", StringComparison.Ordinal) || type.Contains("arguments", StringComparison.Ordinal)))
                {
                    Append(String(root, "delta"));
                }
            }
            else if (root.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Array)
            {
                CollectResponsesOutput(output);
            }
        }
    }

    private void CollectChoice(JsonElement choice, string messageName)
    {
        if (choice.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Append(String(choice, "text")); // completions
        if (!choice.TryGetProperty(messageName, out var message) || message.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        Append(String(message, "content"));
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
                {
                    Append(String(function, "arguments"));
                }
            }
        }
    }

    private void CollectResponsesOutput(JsonElement output)
    {
        foreach (var item in output.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            Append(String(item, "arguments")); // function_call items
            if (item.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object)
                    {
                        Append(String(part, "text"));
                    }
                }
            }
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private void Append(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var room = MaxChars - _completion.Length;
        if (text.Length <= room)
        {
            _completion.Append(text);
            return;
        }

        _completion.Append(text.AsSpan(0, Math.Max(room, 0)));
        _dropped += text.Length - Math.Max(room, 0);
    }
}
