namespace Gateway.Simulator;

/// <summary>
/// The default generator: one word per token, picked from a fixed list by a hash of the prompt and the token's
/// position, so the same request always yields the same text (and different prompts usually differ).
/// </summary>
internal static class DeterministicText
{
    private static readonly string[] Words =
    [
        "the", "model", "token", "stream", "gateway", "simulated", "answer", "quick", "brown", "fox",
        "jumps", "over", "lazy", "dog", "alpha", "beta", "gamma", "delta", "request", "response",
        "vector", "cache", "queue", "actor", "flow", "river", "mountain", "cloud", "signal", "engine",
        "batch", "prefill", "decode", "latency", "throughput", "kernel", "tensor", "matrix", "graph", "node",
        "and", "of", "to", "in", "is", "for", "with", "on", "as", "by",
        "blue", "green", "silver", "quiet", "rapid", "steady", "bright", "simple", "clear", "final",
        "one", "two", "three", "four",
    ];

    private static readonly string[] SpacedWords = [.. Words.Select(w => " " + w)];

    /// <summary>Seed for a prompt (FNV-1a of its text).</summary>
    public static ulong Seed(ReadOnlySpan<char> prompt) => Fnv.Hash(prompt);

    /// <summary>Token <paramref name="index"/> of the text for <paramref name="seed"/>; every token but the first starts with a space.</summary>
    public static string Word(ulong seed, int index, bool spaced)
    {
        var pick = (int)(Fnv.Mix(seed + (ulong)index) % (ulong)Words.Length);
        return spaced ? SpacedWords[pick] : Words[pick];
    }

    /// <summary>The first <paramref name="count"/> tokens for <paramref name="seed"/>.</summary>
    public static ReadOnlyMemory<char>[] Tokens(ulong seed, int count)
    {
        var tokens = new ReadOnlyMemory<char>[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = Word(seed, i, spaced: i > 0).AsMemory();
        }

        return tokens;
    }
}
