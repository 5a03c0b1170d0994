using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Gateway.Streams.Json;

namespace Gateway.Streams.Limits;

/// <summary>
/// What a request reserves against its key's tokens-per-minute limit before it is sent: an estimate of its prompt
/// tokens plus its output budget. The prompt estimate counts the characters of the text the model reads
/// (<c>messages[].content</c> and text parts, <c>prompt</c>, <c>input</c>, <c>instructions</c>, and the JSON of
/// <c>tools</c>, which the chat template renders into the prompt) at <see cref="CharsPerToken"/> characters per token
/// plus <see cref="TokensPerMessage"/> per chat message for the template; token-id prompts count one token per id.
/// English prose runs at ~4 characters per token with the common BPE vocabularies; code and JSON run denser (2–3),
/// Chinese or Japanese ~1–1.5, so the estimate can be low by 1.5–3× there, and high for long runs of whitespace or
/// repeated characters. Images and audio parts are not counted. It only sizes the reservation and the fair queue's
/// first charge: the key is charged its real usage when the response ends. The output budget is
/// <c>max_completion_tokens</c>, else <c>max_tokens</c>, else <c>max_output_tokens</c>, else what vLLM would allow:
/// the model's context length minus the prompt.
/// </summary>
public static class TokenEstimate
{
    public const int CharsPerToken = 4;
    public const int TokensPerMessage = 4;

    public static int Prompt(JsonElement body)
    {
        var fields = RequestFields.Read(body);
        return Prompt(in fields);
    }

    /// <summary>The prompt estimate from the body's fields found once (<see cref="RequestFields.Read"/>).</summary>
    public static int Prompt(in RequestFields body)
    {
        long chars = 0;
        long tokens = 0;
        var messages = body[RequestField.Messages];
        if (messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                tokens += TokensPerMessage;
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content"u8, out var content))
                {
                    chars += TextLength(content, ref tokens);
                }
            }
        }

        foreach (var field in (ReadOnlySpan<RequestField>)[RequestField.Prompt, RequestField.Input, RequestField.Instructions])
        {
            var value = body[field];
            if (value.ValueKind != JsonValueKind.Undefined)
            {
                chars += TextLength(value, ref tokens);
            }
        }

        var tools = body[RequestField.Tools];
        if (tools.ValueKind == JsonValueKind.Array)
        {
            // The chat template renders the tool definitions into the prompt: count their JSON as text.
            chars += JsonMarshal.GetRawUtf8Value(tools).Length;
        }

        return (int)Math.Min(int.MaxValue, tokens + ((chars + CharsPerToken - 1) / CharsPerToken));
    }

    /// <summary>The output budget as the request states it, or <paramref name="maxModelLen"/> minus the prompt.</summary>
    public static int Output(JsonElement body, int prompt, int maxModelLen)
    {
        var fields = RequestFields.Read(body);
        return Output(in fields, prompt, maxModelLen);
    }

    /// <summary>The output budget from the body's fields found once (<see cref="RequestFields.Read"/>).</summary>
    public static int Output(in RequestFields body, int prompt, int maxModelLen)
    {
        foreach (var field in (ReadOnlySpan<RequestField>)[RequestField.MaxCompletionTokens, RequestField.MaxTokens, RequestField.MaxOutputTokens])
        {
            var value = body[field];
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var n) && n >= 0)
            {
                return (int)Math.Min(int.MaxValue, n);
            }
        }

        return Math.Max(0, maxModelLen - prompt);
    }

    /// <summary>The string's length in UTF-16 characters, as <c>GetString().Length</c>, without making the string when it has no escapes.</summary>
    private static int Utf16Length(JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value); // with its quotes
        var text = raw[1..^1];
        return text.Contains((byte)'\\') ? value.GetString()!.Length : Encoding.UTF8.GetCharCount(text);
    }

    private static long TextLength(JsonElement value, ref long tokens)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return Utf16Length(value);
            case JsonValueKind.Number:
                tokens++;
                return 0;
            case JsonValueKind.Array:
                long sum = 0;
                foreach (var item in value.EnumerateArray())
                {
                    sum += TextLength(item, ref tokens);
                }

                return sum;
            case JsonValueKind.Object:
                return value.TryGetProperty("text"u8, out var text) ? TextLength(text, ref tokens)
                    : value.TryGetProperty("content"u8, out var content) ? TextLength(content, ref tokens) : 0;
            default:
                return 0;
        }
    }
}
