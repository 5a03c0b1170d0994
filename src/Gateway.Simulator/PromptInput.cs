using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// One prompt of <c>/v1/completions</c> (<c>prompt</c>) or <c>/v1/embeddings</c> (<c>input</c>): text, or token ids.
/// Text gets a BOS token, as vLLM adds special tokens for these endpoints; token ids are taken as they are.
/// </summary>
internal sealed class PromptInput
{
    private PromptInput(string? text, int[]? tokenIds)
    {
        Text = text;
        TokenIds = tokenIds;
        TokenCount = text is not null ? SimTokenizer.Count(text) + 1 : tokenIds!.Length;
    }

    public string? Text { get; }

    public int[]? TokenIds { get; }

    public int TokenCount { get; }

    /// <summary>Stable seed for generated text or vectors.</summary>
    public ulong Seed
    {
        get
        {
            if (Text is not null)
            {
                return Fnv.Hash(Text);
            }

            var hash = Fnv.Offset;
            foreach (var id in TokenIds!)
            {
                hash = Fnv.Add(hash, id);
            }

            return hash;
        }
    }

    /// <summary>Parses a string, list of strings, list of token ids or list of token-id lists.</summary>
    public static bool TryParseList(JsonElement body, string field, out PromptInput[] prompts, out VllmError? error)
    {
        prompts = [];
        error = null;
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = VllmErrors.FieldRequired(field);
            return false;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            prompts = [new PromptInput(value.GetString()!, null)];
            return true;
        }

        var invalid = VllmErrors.Validation("string_type", VllmErrors.Location(field), "Input should be a valid string");
        if (value.ValueKind != JsonValueKind.Array)
        {
            error = invalid;
            return false;
        }

        if (value.GetArrayLength() == 0)
        {
            error = VllmErrors.BadRequest("Prompt cannot be empty.");
            return false;
        }

        var first = value[0].ValueKind;
        if (first == JsonValueKind.Number)
        {
            if (!TryReadIds(value, out var ids))
            {
                error = invalid;
                return false;
            }

            prompts = [new PromptInput(null, ids)];
            return true;
        }

        var list = new List<PromptInput>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && first == JsonValueKind.String)
            {
                list.Add(new PromptInput(item.GetString()!, null));
            }
            else if (item.ValueKind == JsonValueKind.Array && first == JsonValueKind.Array && TryReadIds(item, out var ids) && ids.Length > 0)
            {
                list.Add(new PromptInput(null, ids));
            }
            else
            {
                error = invalid;
                return false;
            }
        }

        prompts = [.. list];
        return true;
    }

    private static bool TryReadIds(JsonElement array, out int[] ids)
    {
        ids = new int[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (!JsonFields.TryReadInt(item, out ids[i++]))
            {
                return false;
            }
        }

        return true;
    }
}
