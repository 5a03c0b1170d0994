using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class GraniteToolCallParserSpec
{
    private const string Granite = "granite";

    [Fact]
    public void A_bare_array_at_the_start_is_calls_with_nested_unicode_arguments()
    {
        AssertParses(
            Granite,
            "[{\"name\": \"a\", \"arguments\": {\"x\": {\"y\": [\"é\", \"🙂\", \"\\\"q\\\"\"]}}}, {\"name\": \"b\", \"arguments\": {}}] ok",
            "ok",
            [("a", "{\"x\": {\"y\": [\"é\", \"🙂\", \"\\\"q\\\"\"]}}"), ("b", "{}")]);
    }

    [Fact]
    public void A_marker_after_text_then_more_text()
    {
        AssertParses(
            Granite,
            "Checking.<tool_call>[{\"name\": \"a\", \"arguments\": {\"k\": 1}}] Will report.",
            "Checking. Will report.",
            [("a", "{\"k\": 1}")]);
    }

    [Fact]
    public void A_marker_without_an_array_is_content()
    {
        const string raw = "<|tool_call|> nothing <tool_call>{\"name\": \"a\"}";
        AssertParses(Granite, raw, raw, []);
    }
}
