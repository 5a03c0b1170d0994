namespace Gateway.Simulator;

/// <summary>
/// The simulator's deterministic stand-in for a BPE tokenizer, shared by prompt-token counting, <c>/tokenize</c> and the
/// default splitting of <c>vllm_sim.output</c> into tokens. A token is at most <see cref="MaxTokenChars"/> UTF-16 units;
/// whitespace starts a new token and attaches to the word after it (<c>"Hello world"</c> → <c>Hell</c>, <c>o</c>,
/// <c> wor</c>, <c>ld</c>); a surrogate pair is never split.
/// </summary>
internal static class SimTokenizer
{
    public const int MaxTokenChars = 4;

    /// <summary>Beginning-of-sequence token, added where vLLM adds special tokens (completions, embeddings).</summary>
    public const int BosTokenId = 1;

    public const string BosTokenText = "<s>";

    private const int FirstTextTokenId = 100;
    private const int VocabularySize = 151_000;

    /// <summary>Length in UTF-16 units of the token at the start of <paramref name="text"/> (which must not be empty).</summary>
    public static int NextTokenLength(ReadOnlySpan<char> text)
    {
        var length = CharLength(text, 0);
        var onlyWhitespace = char.IsWhiteSpace(text[0]);
        while (length < text.Length)
        {
            var c = text[length];
            var isWhitespace = char.IsWhiteSpace(c);
            if (isWhitespace && !onlyWhitespace)
            {
                break;
            }

            var next = CharLength(text, length);
            if (length + next > MaxTokenChars)
            {
                break;
            }

            onlyWhitespace &= isWhitespace;
            length += next;
        }

        return length;
    }

    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        while (!text.IsEmpty)
        {
            text = text[NextTokenLength(text)..];
            count++;
        }

        return count;
    }

    /// <summary>The id of one token: a stable hash into a Qwen-sized vocabulary (ids below 100 are "special").</summary>
    public static int TokenId(ReadOnlySpan<char> token) =>
        FirstTextTokenId + (int)(Fnv.Hash(token) % (VocabularySize - FirstTextTokenId));

    /// <summary>1 for a lone UTF-16 unit, 2 for a surrogate pair starting at <paramref name="index"/>.</summary>
    public static int CharLength(ReadOnlySpan<char> text, int index) =>
        char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
}

/// <summary>64-bit FNV-1a: a stable (not per-process randomised) hash for seeds and token ids.</summary>
internal static class Fnv
{
    public const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Hash(ReadOnlySpan<char> text) => Add(Offset, text);

    public static ulong Add(ulong hash, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    public static ulong Add(ulong hash, int value)
    {
        for (var i = 0; i < 4; i++)
        {
            hash = (hash ^ (byte)(value >> (8 * i))) * Prime;
        }

        return hash;
    }

    /// <summary>SplitMix64 finaliser: spreads a seed into well-mixed bits.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
