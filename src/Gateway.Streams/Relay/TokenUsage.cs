using System.Text.Json;
using Gateway.Streams.Json;

namespace Gateway.Streams.Relay;

/// <summary>Token counts vLLM reported for one response.</summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens)
{
    /// <summary>Reads the top-level <c>usage</c> object of a response or chunk; skips everything else without building a DOM.</summary>
    public static TokenUsage? TryRead(ReadOnlySpan<byte> json)
    {
        try
        {
            if (!TopLevelJsonFields.TryOpen(json, out var reader))
            {
                return null;
            }

            while (TopLevelJsonFields.Next(ref reader, "usage"u8, out var isUsage))
            {
                if (isUsage && reader.TokenType == JsonTokenType.StartObject)
                {
                    return ReadUsage(ref reader);
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>
    /// Inspects a stream chunk: its usage (if any) and whether it is the usage-only chunk (<c>choices: []</c>)
    /// that <c>stream_options.include_usage</c> adds. Chunks without the word "usage" are not parsed at all.
    /// </summary>
    public static (TokenUsage? Usage, bool UsageOnly) InspectChunk(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\"usage\""u8) < 0)
        {
            return (null, false);
        }

        try
        {
            if (!TopLevelJsonFields.TryOpen(json, out var reader))
            {
                return (null, false);
            }

            TokenUsage? usage = null;
            var emptyChoices = false;
            while (TopLevelJsonFields.Next(ref reader, "usage"u8, "choices"u8, out var isUsage, out var isChoices))
            {
                if (isUsage && reader.TokenType == JsonTokenType.StartObject)
                {
                    usage = ReadUsage(ref reader);
                    continue;
                }

                if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Read();
                    emptyChoices = reader.TokenType == JsonTokenType.EndArray;
                    if (!emptyChoices)
                    {
                        // Inside the array at its first element: skip that element, then the rest.
                        reader.Skip();
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            reader.Skip();
                        }
                    }

                    continue;
                }

                reader.Skip();
            }

            return (usage, usage is not null && emptyChoices);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    /// <summary>
    /// True for a chunk that carries generated output: a non-empty <c>content</c>, <c>text</c>,
    /// <c>reasoning_content</c> or a <c>tool_calls</c> piece (the role chunk and the usage chunk do not count).
    /// A byte scan, no parse: called on every streamed event.
    /// </summary>
    public static bool CountsAsDelta(ReadOnlySpan<byte> json) =>
        HasNonEmptyString(json, "\"content\":\""u8) || HasNonEmptyString(json, "\"text\":\""u8)
        || HasNonEmptyString(json, "\"reasoning_content\":\""u8) || json.IndexOf("\"tool_calls\":[{"u8) >= 0;

    private static bool HasNonEmptyString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> field)
    {
        var at = json.IndexOf(field);
        return at >= 0 && at + field.Length < json.Length && json[at + field.Length] != (byte)'"';
    }

    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n >= 0)
            {
                prompt = isPrompt ? n : prompt;
                completion = isCompletion ? n : completion;
            }
            else
            {
                reader.Skip();
            }
        }

        return new TokenUsage(prompt, completion);
    }
}
