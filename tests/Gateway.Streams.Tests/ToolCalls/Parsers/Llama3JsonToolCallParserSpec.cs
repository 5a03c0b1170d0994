using Gateway.Streams.ToolCalls.Parsers;
using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class Llama3JsonToolCallParserSpec
{
    private const string Llama = "llama3_json";

    [Fact]
    public void Arguments_win_over_parameters_and_nested_values_survive()
    {
        AssertParses(
            Llama,
            "{\"name\": \"f\", \"arguments\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": [1, 2.5, \"😀\"]}}}}}, \"parameters\": {\"ignored\": true}}",
            null,
            [("f", "{\"a\": {\"b\": {\"c\": {\"d\": {\"e\": [1, 2.5, \"😀\"]}}}}}")]);
    }

    [Fact]
    public void Text_before_between_and_after_calls_stays_content()
    {
        AssertParses(
            Llama,
            "Calling: <|python_tag|>{\"name\": \"a\", \"parameters\": {\"q\": \"x;y\"}}; {\"name\": \"b\", \"parameters\": {}} done",
            "Calling:   done",
            [("a", "{\"q\": \"x;y\"}"), ("b", "{}")]);
    }

    [Fact]
    public void A_python_tag_followed_by_code_is_content()
    {
        AssertParses(Llama, "<|python_tag|>print('hi')", "<|python_tag|>print('hi')", []);
    }

    [Fact]
    public void Json_that_is_not_a_call_object_is_content()
    {
        const string raw = "Config: {\"retries\": 3} and [1, 2] and {\"name\": 5}";
        AssertParses(Llama, raw, raw, []);
    }

    [Fact]
    public void Prose_streams_on_while_only_the_brace_is_held()
    {
        var streaming = Parser(Llama).CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed("Hello there {\"na", events);

        Assert.Equal([new ToolCallDelta.Content("Hello there ")], events);
    }

    [Fact]
    public void A_held_partial_python_tag_that_turns_out_to_be_text_is_released()
    {
        AssertParses(Llama, "a <|python_ta b", "a <|python_ta b", []);
    }
}
