using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

/// <summary>Every shared vector, parsed whole and streamed with many chunkings, gives the expected content and calls.</summary>
public sealed class ToolCallVectorSpec
{
    public static TheoryData<string> VectorIds()
    {
        var data = new TheoryData<string>();
        foreach (var id in ToolCallVectors.ById.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(id);
        }

        return data;
    }

    [Fact]
    public void Vectors_exist_for_every_parser_family()
    {
        var families = ToolCallVectors.ById.Values.Select(v => v.Parser).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(ToolCallParserRegistry.Names.Order(StringComparer.Ordinal), families);
    }

    [Theory]
    [MemberData(nameof(VectorIds))]
    public void A_vector_gives_the_expected_content_and_calls_however_it_is_chunked(string id)
    {
        var vector = ToolCallVectors.ById[id];
        var parser = ToolCallParserHarness.Parser(vector.Parser);

        var result = ToolCallParserHarness.ParseEveryWay(parser, vector.Raw);

        Assert.Equal(Normalize(vector.ExpectedContent), result.Content);
        var expected = vector.ExpectedToolCalls.EnumerateArray().ToList();
        Assert.Equal(expected.Select(c => c.GetProperty("name").GetString()), result.ToolCalls.Select(c => c.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            ToolCallParserHarness.AssertArguments(expected[i].GetProperty("arguments").GetRawText(), result.ToolCalls[i].ArgumentsJson);
        }
    }

    [Theory]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    [InlineData("pythonic")]
    [InlineData("qwen3_coder")]
    [InlineData("deepseek_v3")]
    [InlineData("granite")]
    public void Every_prefix_of_every_vector_streams_exactly_as_it_parses(string family)
    {
        // Truncated outputs exercise every "the output ended here" decision; all vectors are tried with every
        // parser so that foreign markup is covered too.
        var parser = ToolCallParserHarness.Parser(family);
        foreach (var vector in ToolCallVectors.ById.Values)
        {
            for (var length = 0; length <= vector.Raw.Length; length++)
            {
                if (length > 0 && length < vector.Raw.Length && char.IsLowSurrogate(vector.Raw[length]))
                {
                    continue;
                }

                var prefix = vector.Raw[..length];
                var whole = parser.Parse(prefix, ToolSchemas.Empty);
                var streamed = ToolCallParserHarness.Stream(parser, ToolCallParserHarness.OneCharChunks(prefix));
                Assert.True(
                    whole.Content == streamed.Content
                    && whole.ToolCalls.Select(c => (c.Name, c.ArgumentsJson)).SequenceEqual(streamed.ToolCalls.Select(c => (c.Name, c.ArgumentsJson))),
                    $"{vector.Id} cut at {length}: streamed result differs from the parsed one");
            }
        }
    }

    private static string? Normalize(string? content) => string.IsNullOrWhiteSpace(content) ? null : content.Trim();
}
