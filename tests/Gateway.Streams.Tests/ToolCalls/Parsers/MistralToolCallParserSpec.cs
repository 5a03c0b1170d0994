using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class MistralToolCallParserSpec
{
    private const string Mistral = "mistral";

    [Fact]
    public void The_array_form_keeps_nested_json_with_brace_comma_inside_strings()
    {
        AssertParses(
            Mistral,
            "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {\"s\": \"}, {\\\"name\\\": \\\"x\\\"\", \"n\": [{\"m\": {}}]}}, {\"name\": \"b\"}]",
            null,
            [("a", "{\"s\": \"}, {\\\"name\\\": \\\"x\\\"\", \"n\": [{\"m\": {}}]}"), ("b", "{}")]);
    }

    [Fact]
    public void The_name_form_with_args_marker_handles_several_calls_with_text_around()
    {
        AssertParses(
            Mistral,
            "Let me do both. [TOOL_CALLS]a[ARGS]{\"x\": \"ü 🚀\"}[TOOL_CALLS]b[ARGS]{} Done.",
            "Let me do both.  Done.",
            [("a", "{\"x\": \"ü 🚀\"}"), ("b", "{}")]);
    }

    [Fact]
    public void Bracketed_prose_is_content_and_a_marker_without_a_call_is_content()
    {
        const string raw = "See [1] and [TOOL] and [TOOL_CALLS] nothing here";
        AssertParses(Mistral, raw, raw, []);
    }

    [Fact]
    public void A_malformed_call_is_content_while_the_next_good_call_stands()
    {
        AssertParses(
            Mistral,
            "[TOOL_CALLS]a{\"x\": oops}[TOOL_CALLS]b{\"y\": 2}",
            "[TOOL_CALLS]a{\"x\": oops}",
            [("b", "{\"y\": 2}")]);
    }
}
