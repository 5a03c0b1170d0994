using System.Text;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

/// <summary>Seeded random compositions of vectors and awkward prose: streaming at any chunking equals parsing whole.</summary>
public sealed class ToolCallStreamingConsistencySpec
{
    private static readonly string[] Prose =
    [
        "Hello ", "<", "[", "{", "<tool", "[TOOL", "\n", " ) and , ", "}", "]", "<|python", "<｜tool▁", "{\"name\": ", "é 🙂 ", "[x(", "</tool_call>",
    ];

    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    [InlineData("pythonic")]
    [InlineData("qwen3_coder")]
    [InlineData("deepseek_v3")]
    [InlineData("granite")]
    public void Random_mixes_of_calls_and_prose_stream_exactly_as_they_parse(string family)
    {
        var parser = ToolCallParserHarness.Parser(family);
        var own = ToolCallVectors.ById.Values.Where(v => v.Parser == family).Select(v => v.Raw).ToArray();
        var all = ToolCallVectors.ById.Values.Select(v => v.Raw).ToArray();
        var random = new Random(family.Length * 7919);
        for (var sample = 0; sample < 60; sample++)
        {
            var text = new StringBuilder();
            for (var part = random.Next(1, 6); part > 0; part--)
            {
                var pick = random.Next(10);
                text.Append(pick < 5 ? own[random.Next(own.Length)] : pick < 7 ? all[random.Next(all.Length)] : Prose[random.Next(Prose.Length)]);
            }

            var raw = text.ToString();
            var whole = parser.Parse(raw, ToolSchemas.Empty);
            if (whole.ToolCalls.Count == 0)
            {
                Assert.Equal(string.IsNullOrWhiteSpace(raw) ? null : raw.Trim(), whole.Content); // no call: no text lost
            }

            foreach (var chunks in new[] { ToolCallParserHarness.RandomChunks(raw, sample), ToolCallParserHarness.RandomChunks(raw, sample + 1000, 3) })
            {
                var streamed = ToolCallParserHarness.Stream(parser, chunks);
                Assert.True(
                    whole.Content == streamed.Content
                    && whole.ToolCalls.Select(c => (c.Name, c.ArgumentsJson)).SequenceEqual(streamed.ToolCalls.Select(c => (c.Name, c.ArgumentsJson))),
                    $"sample {sample}: streamed result differs from the parsed one for\n{raw}");
            }
        }
    }
}
