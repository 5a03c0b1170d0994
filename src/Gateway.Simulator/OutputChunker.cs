namespace Gateway.Simulator;

/// <summary>
/// Splits <c>vllm_sim.output</c> into the pieces the simulated model emits, one piece per token/delta: either every
/// <c>chunk_chars</c> UTF-16 units (a piece grows by one unit rather than split a surrogate pair) or, by default,
/// with <see cref="SimTokenizer"/>'s rule (≤ 4 units, whitespace starts a piece).
/// </summary>
internal static class OutputChunker
{
    public static ReadOnlyMemory<char>[] Split(string output, int? chunkChars)
    {
        var pieces = new List<ReadOnlyMemory<char>>(Math.Max(1, output.Length / 3));
        var memory = output.AsMemory();
        var position = 0;
        while (position < output.Length)
        {
            var remaining = output.AsSpan(position);
            int length;
            if (chunkChars is int size)
            {
                length = Math.Min(size, remaining.Length);
                if (length < remaining.Length && char.IsHighSurrogate(remaining[length - 1]) && char.IsLowSurrogate(remaining[length]))
                {
                    length++;
                }
            }
            else
            {
                length = SimTokenizer.NextTokenLength(remaining);
            }

            pieces.Add(memory.Slice(position, length));
            position += length;
        }

        return [.. pieces];
    }
}
