namespace Gateway.Simulator;

/// <summary>
/// What one choice will emit, decided before anything is sent: the content deltas, the text carried by the finish
/// chunk, and the finish reason. One piece is one engine step (one token), so the stream has <see cref="Steps"/> steps.
/// </summary>
internal sealed class GenerationPlan
{
    /// <summary>Deltas sent before the finish chunk.</summary>
    public required ReadOnlyMemory<char>[] Pieces { get; init; }

    /// <summary>Text in the finish chunk's delta: empty after EOS, the last token when max_tokens cut the output.</summary>
    public required ReadOnlyMemory<char> FinalText { get; init; }

    public required string FinishReason { get; init; }

    /// <summary>The stop string that ended generation; null for EOS and length.</summary>
    public string? StopReason { get; init; }

    /// <summary>Tokens generated, EOS included (vLLM counts it).</summary>
    public required int CompletionTokens { get; init; }

    /// <summary>Set when the choice is a structured tool call; <see cref="Pieces"/> and <see cref="FinalText"/> are then its arguments.</summary>
    public ToolCallPlan? ToolCall { get; init; }

    /// <summary>
    /// Plans a structured tool call whose arguments are <paramref name="arguments"/>, chunked like other output. A call
    /// found by the auto parser finishes with <c>tool_calls</c> (even when max_tokens cut it, like vLLM); a guided
    /// one with the engine's reason.
    /// </summary>
    public static GenerationPlan ForToolCall(ToolCallPlan call, string arguments, int? chunkChars, int maxTokens, bool maxTokensExplicit)
    {
        var plan = Create(arguments, chunkChars, 0, maxTokens, maxTokensExplicit, []);
        return new GenerationPlan
        {
            Pieces = plan.Pieces,
            FinalText = plan.FinalText,
            FinishReason = call.ParsedFromAuto ? FinishReasons.ToolCalls : plan.FinishReason,
            CompletionTokens = plan.CompletionTokens,
            ToolCall = call,
        };
    }

    /// <summary>Engine steps = chunks after the role chunk: one per piece plus the finish chunk.</summary>
    public int Steps => Pieces.Length + 1;

    /// <summary>
    /// Plans a choice. With <paramref name="output"/>, the text is emitted verbatim and ends with EOS (finish
    /// <c>stop</c>) unless an explicit max_tokens is reached first (finish <c>length</c>). Without it, the
    /// deterministic generator produces exactly <paramref name="maxTokens"/> tokens (finish <c>length</c>).
    /// Stop strings end generation early (finish <c>stop</c>, <c>stop_reason</c> = the string, not included in the text).
    /// </summary>
    public static GenerationPlan Create(string? output, int? chunkChars, ulong seed, int maxTokens, bool maxTokensExplicit, string[] stops)
    {
        ReadOnlyMemory<char>[] tokens;
        var endsWithEos = true;
        if (output is not null)
        {
            tokens = OutputChunker.Split(output, chunkChars);
            if (maxTokensExplicit && tokens.Length >= maxTokens)
            {
                tokens = tokens[..maxTokens];
                endsWithEos = false;
            }
        }
        else
        {
            tokens = DeterministicText.Tokens(seed, maxTokens);
            endsWithEos = false;
        }

        if (stops.Length > 0 && TryStopEarly(tokens, stops) is { } stopped)
        {
            return stopped;
        }

        return endsWithEos
            ? new GenerationPlan
            {
                Pieces = tokens,
                FinalText = ReadOnlyMemory<char>.Empty,
                FinishReason = FinishReasons.Stop,
                CompletionTokens = tokens.Length + 1,
            }
            : new GenerationPlan
            {
                Pieces = tokens[..^1],
                FinalText = tokens[^1],
                FinishReason = FinishReasons.Length,
                CompletionTokens = tokens.Length,
            };
    }

    private static GenerationPlan? TryStopEarly(ReadOnlyMemory<char>[] tokens, string[] stops)
    {
        var full = string.Concat(tokens.Select(t => t.ToString()));
        var position = -1;
        string? stop = null;
        foreach (var candidate in stops)
        {
            var index = full.IndexOf(candidate, StringComparison.Ordinal);
            if (index >= 0 && (position < 0 || index < position))
            {
                position = index;
                stop = candidate;
            }
        }

        if (stop is null)
        {
            return null;
        }

        // The token that completes the stop string is the last one generated; text from the stop string on is dropped.
        var stopEnd = position + stop.Length;
        var pieces = new List<ReadOnlyMemory<char>>();
        var offset = 0;
        var generated = 0;
        foreach (var token in tokens)
        {
            var end = offset + token.Length;
            generated++;
            if (end <= position)
            {
                pieces.Add(full.AsMemory(offset, token.Length));
            }
            else if (end >= stopEnd)
            {
                break;
            }

            offset = end;
        }

        var kept = pieces.Sum(p => p.Length);
        return new GenerationPlan
        {
            Pieces = [.. pieces],
            FinalText = full.AsMemory(kept, position - kept),
            FinishReason = FinishReasons.Stop,
            StopReason = stop,
            CompletionTokens = generated,
        };
    }
}
