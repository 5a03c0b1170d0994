using Gateway.Streams.ToolCalls.Parsers;
using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class HermesToolCallParserSpec
{
    private const string Hermes = "hermes";

    [Fact]
    public void Unicode_and_emoji_arguments_stay_unescaped_in_the_arguments_json()
    {
        var result = AssertParses(
            Hermes,
            "<tool_call>\n{\"name\": \"send\", \"arguments\": {\"text\": \"Grüße aus Zürich 👋 你好\"}}\n</tool_call>",
            null,
            [("send", "{\"text\": \"Grüße aus Zürich 👋 你好\"}")]);

        Assert.Equal("{\"text\":\"Grüße aus Zürich 👋 你好\"}", result.ToolCalls[0].ArgumentsJson);
    }

    [Fact]
    public void Escaped_quotes_and_backslashes_survive_re_serialisation()
    {
        AssertParses(
            Hermes,
            "<tool_call>{\"name\": \"say\", \"arguments\": {\"text\": \"a \\\"b\\\" \\\\ c}\"}}</tool_call>",
            null,
            [("say", "{\"text\": \"a \\\"b\\\" \\\\ c}\"}")]);
    }

    [Fact]
    public void Several_calls_with_text_before_between_and_after_keep_all_the_text()
    {
        AssertParses(
            Hermes,
            "First.<tool_call>{\"name\": \"a\", \"arguments\": {\"x\": {\"y\": [1, {\"z\": null}]}}}</tool_call>middle"
            + "<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call> last.",
            "First.middle last.",
            [("a", "{\"x\": {\"y\": [1, {\"z\": null}]}}"), ("b", "{}")]);
    }

    [Fact]
    public void A_held_back_prefix_that_is_not_a_tag_is_released_as_content()
    {
        var streaming = Parser(Hermes).CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed("Use the <tool", events);
        Assert.Equal([new ToolCallDelta.Content("Use the ")], events);

        streaming.Feed("bar> now", events);
        streaming.Complete(events);
        Assert.Equal("Use the <toolbar> now", string.Concat(events.OfType<ToolCallDelta.Content>().Select(c => c.Text)));
        Assert.False(streaming.EmittedToolCalls);
    }

    [Fact]
    public void A_call_starts_when_its_name_is_complete_and_its_arguments_stream_before_the_block_closes()
    {
        var streaming = Parser(Hermes).CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed("<tool_call>{\"name\": \"a\"", events);
        var start = Assert.IsType<ToolCallDelta.ToolCallStart>(Assert.Single(events));
        Assert.Equal((0, "a"), (start.Index, start.Name));

        streaming.Feed(", \"arguments\": {\"k\": 1", events);
        Assert.Equal(new ToolCallDelta.ToolCallArguments(0, "{\"k\":1"), events[^1]);
        streaming.Feed("}}", events);
        Assert.Equal(new ToolCallDelta.ToolCallArguments(0, "}"), events[^1]); // the wrapper's brace is not an argument
        Assert.False(streaming.EmittedToolCalls);

        streaming.Feed("</tool_call>", events);
        Assert.Equal(3, events.Count);
        Assert.True(streaming.EmittedToolCalls);
    }

    [Fact]
    public void An_unterminated_block_with_complete_json_at_the_end_of_output_is_a_call()
    {
        AssertParses(Hermes, "<tool_call>{\"name\": \"a\", \"arguments\": {}}\n</tool_", null, [("a", "{}")]);
    }

    [Fact]
    public void A_truncated_block_is_content()
    {
        const string raw = "Sure <tool_call>{\"name\": \"a\", \"arguments\": {\"q\": \"unfinish";
        AssertParses(Hermes, raw, raw, []);
    }

    [Fact]
    public void Malformed_blocks_become_content_beside_good_calls()
    {
        AssertParses(
            Hermes,
            "<tool_call>{\"name\": \"bad\", \"arguments\": {'x': 1}}</tool_call><tool_call>{\"name\": \"good\", \"arguments\": {}}</tool_call>"
            + "<tool_call>{\"arguments\": {}}</tool_call>",
            "<tool_call>{\"name\": \"bad\", \"arguments\": {'x': 1}}</tool_call><tool_call>{\"arguments\": {}}</tool_call>",
            [("good", "{}")]);
    }

    [Fact]
    public void A_tag_mentioned_in_prose_does_not_hold_the_stream()
    {
        var streaming = Parser(Hermes).CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed("Wrap it in <tool_call> tags, then continue", events);

        Assert.Equal("Wrap it in <tool_call> tags, then continue", string.Concat(events.OfType<ToolCallDelta.Content>().Select(c => c.Text)));
    }

    [Fact]
    public void Double_encoded_arguments_are_decoded()
    {
        AssertParses(Hermes, "<tool_call>{\"name\": \"a\", \"arguments\": \"{\\\"k\\\": 2}\"}</tool_call>", null, [("a", "{\"k\": 2}")]);
    }
}
