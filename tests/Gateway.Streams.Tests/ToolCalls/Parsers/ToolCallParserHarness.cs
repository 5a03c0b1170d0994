using System.Text.Json;
using System.Text;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

/// <summary>
/// What a client sees after accumulating a stream like the OpenAI SDK does, less the calls abandoned after their
/// start went out (<see cref="AbandonedCalls"/>; their markup is in the content too).
/// </summary>
internal sealed record StreamedOutput(string? Content, IReadOnlyList<ToolCall> ToolCalls, bool EmittedToolCalls, int AbandonedCalls = 0);

/// <summary>Runs parsers over chunked text and checks what any stream must satisfy.</summary>
internal static class ToolCallParserHarness
{
    public static IToolCallParser Parser(string name) =>
        ToolCallParserRegistry.TryGet(name, out var parser) ? parser : throw new ArgumentException($"no parser {name}", nameof(name));

    public static StreamedOutput Stream(IToolCallParser parser, IEnumerable<string> chunks, ToolSchemas? tools = null)
    {
        var streaming = parser.CreateStreaming(tools ?? ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();
        foreach (var chunk in chunks)
        {
            streaming.Feed(chunk, events);
        }

        streaming.Complete(events);
        return Accumulate(events, streaming.EmittedToolCalls);
    }

    /// <summary>Concatenates content; per index takes id and name from the start and concatenates arguments.</summary>
    public static StreamedOutput Accumulate(List<ToolCallDelta> events, bool emittedToolCalls)
    {
        var content = new StringBuilder();
        var calls = new List<(string Id, string Name, StringBuilder Arguments)>();
        var abandoned = new HashSet<int>();
        foreach (var delta in events)
        {
            switch (delta)
            {
                case ToolCallDelta.Content piece:
                    Assert.NotEmpty(piece.Text);
                    content.Append(piece.Text);
                    break;
                case ToolCallDelta.ToolCallStart start:
                    Assert.Equal(calls.Count, start.Index); // indexes are 0, 1, 2 … in order, one start each
                    Assert.Matches("^call_[A-Za-z0-9]{24}$", start.Id);
                    Assert.False(string.IsNullOrEmpty(start.Name));
                    calls.Add((start.Id, start.Name, new StringBuilder()));
                    break;
                case ToolCallDelta.ToolCallArguments arguments:
                    Assert.InRange(arguments.Index, 0, calls.Count - 1);
                    Assert.DoesNotContain(arguments.Index, abandoned);
                    calls[arguments.Index].Arguments.Append(arguments.Fragment);
                    break;
                case ToolCallDelta.ToolCallAbandoned dropped:
                    Assert.InRange(dropped.Index, 0, calls.Count - 1);
                    Assert.True(abandoned.Add(dropped.Index));
                    break;
            }
        }

        Assert.Equal(calls.Count > abandoned.Count, emittedToolCalls);
        Assert.Equal(calls.Count, calls.Select(c => c.Id).Distinct().Count());
        var text = content.ToString().Trim();
        return new StreamedOutput(
            text.Length == 0 ? null : text,
            calls.Where((_, index) => !abandoned.Contains(index)).Select(c => new ToolCall(c.Id, c.Name, c.Arguments.ToString())).ToList(),
            emittedToolCalls,
            abandoned.Count);
    }

    /// <summary>Splits on character boundaries without cutting a surrogate pair.</summary>
    public static IEnumerable<string> OneCharChunks(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            yield return text.Substring(i, length);
            i += length - 1;
        }
    }

    public static IEnumerable<string> RandomChunks(string text, int seed, int maxChunk = 12)
    {
        var random = new Random(seed);
        var position = 0;
        while (position < text.Length)
        {
            var length = Math.Min(random.Next(1, maxChunk + 1), text.Length - position);
            if (position + length < text.Length && char.IsHighSurrogate(text[position + length - 1]))
            {
                length++;
            }

            yield return text.Substring(position, length);
            position += length;
        }
    }

    public static IEnumerable<string> FixedChunks(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    /// <summary>The chunkings every case is run with: whole, one char, fixed sizes, seeded random splits.</summary>
    public static IEnumerable<(string Label, IEnumerable<string> Chunks)> Chunkings(string text)
    {
        yield return ("whole", [text]);
        yield return ("1-char", OneCharChunks(text));
        yield return ("3-char", FixedChunks(text, 3));
        for (var seed = 1; seed <= 6; seed++)
        {
            yield return ($"random seed {seed}", RandomChunks(text, seed));
        }
    }

    /// <summary>
    /// Parses <paramref name="raw"/> non-streaming and streamed with every chunking; asserts they agree exactly
    /// (content after trim, names, argument strings) and returns the non-streaming result.
    /// </summary>
    public static ToolCallParseResult ParseEveryWay(IToolCallParser parser, string raw, ToolSchemas? tools = null)
    {
        var whole = parser.Parse(raw, tools ?? ToolSchemas.Empty);
        Assert.Equal(whole.ToolCalls.Count, whole.ToolCalls.Select(c => c.Id).Distinct().Count());
        foreach (var call in whole.ToolCalls)
        {
            Assert.Matches("^call_[A-Za-z0-9]{24}$", call.Id);
            using var arguments = JsonDocument.Parse(call.ArgumentsJson);
            Assert.Equal(JsonValueKind.Object, arguments.RootElement.ValueKind);
        }

        foreach (var (label, chunks) in Chunkings(raw))
        {
            var streamed = Stream(parser, chunks, tools);
            Assert.True(whole.Content == streamed.Content, $"{label}: content differs\n  parse:  {whole.Content}\n  stream: {streamed.Content}");
            Assert.True(whole.ToolCalls.Count == streamed.ToolCalls.Count, $"{label}: {streamed.ToolCalls.Count} calls streamed, {whole.ToolCalls.Count} parsed");
            for (var i = 0; i < whole.ToolCalls.Count; i++)
            {
                Assert.Equal(whole.ToolCalls[i].Name, streamed.ToolCalls[i].Name);
                Assert.True(
                    whole.ToolCalls[i].ArgumentsJson == streamed.ToolCalls[i].ArgumentsJson,
                    $"{label}: call {i} arguments differ\n  parse:  {whole.ToolCalls[i].ArgumentsJson}\n  stream: {streamed.ToolCalls[i].ArgumentsJson}");
            }
        }

        return whole;
    }

    public static void AssertArguments(string expectedJson, string actualJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement), $"arguments differ\n  expected: {expectedJson}\n  actual:   {actualJson}");
    }

    /// <summary>Parses every way and checks the calls (name, arguments as JSON) and the trimmed content.</summary>
    public static ToolCallParseResult AssertParses(
        string parserName, string raw, string? expectedContent, (string Name, string Arguments)[] expectedCalls, ToolSchemas? tools = null)
    {
        var result = ParseEveryWay(Parser(parserName), raw, tools);
        Assert.Equal(expectedContent, result.Content);
        Assert.Equal(expectedCalls.Select(c => c.Name), result.ToolCalls.Select(c => c.Name));
        for (var i = 0; i < expectedCalls.Length; i++)
        {
            AssertArguments(expectedCalls[i].Arguments, result.ToolCalls[i].ArgumentsJson);
        }

        return result;
    }
}
