using Gateway.Streams.ToolCalls.Parsers;
using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class PythonicToolCallParserSpec
{
    private const string Pythonic = "pythonic";

    [Fact]
    public void A_string_with_parentheses_and_commas_inside_is_one_value()
    {
        AssertParses(
            Pythonic,
            "[f(expr=\"g(a, b), h)\", other='x)', n=1)]",
            null,
            [("f", "{\"expr\": \"g(a, b), h)\", \"other\": \"x)\", \"n\": 1}")]);
    }

    [Fact]
    public void Nested_lists_and_dicts_with_every_literal_type_become_json()
    {
        AssertParses(
            Pythonic,
            "[a(d={'k': [1, 2.5, -3, True, False, None], \"n\": {'deep': \"\\\"q\\\" \\u00e9\"}, 1: 'int key'}, e=[], f={}), b()]",
            null,
            [("a", "{\"d\": {\"k\": [1, 2.5, -3, true, false, null], \"n\": {\"deep\": \"\\\"q\\\" é\"}, \"1\": \"int key\"}, \"e\": [], \"f\": {}}"), ("b", "{}")]);
    }

    [Fact]
    public void Python_number_spellings_become_json_numbers()
    {
        AssertParses(
            Pythonic,
            "[f(a=1_000, b=0x1F, c=.5, d=5., e=1e3, f=+2, g='''tri'ple''', h=r'\\d+')]",
            null,
            [("f", "{\"a\": 1000, \"b\": 31, \"c\": 0.5, \"d\": 5.0, \"e\": 1000, \"f\": 2, \"g\": \"tri'ple\", \"h\": \"\\\\d+\"}")]);
    }

    [Fact]
    public void Unicode_and_emoji_strings_are_kept()
    {
        AssertParses(Pythonic, "[say(text='日本語 😀', to=\"Zoë\")]", null, [("say", "{\"text\": \"日本語 😀\", \"to\": \"Zoë\"}")]);
    }

    [Theory]
    [InlineData("[f(a=1, a=2)]")]
    [InlineData("[f(a=(1, 2))]")]
    [InlineData("[f(a={1, 2})]")]
    [InlineData("[mod.f(a=1)]")]
    [InlineData("[f(a=1)")]
    [InlineData("[f(a='unterminated)]")]
    public void Anything_that_is_not_a_list_of_literal_keyword_calls_is_content(string raw)
    {
        AssertParses(Pythonic, raw, raw, []);
    }

    [Fact]
    public void Prose_streams_on_after_its_first_character()
    {
        var streaming = Parser(Pythonic).CreateStreaming(ToolSchemas.Empty);
        var events = new List<ToolCallDelta>();

        streaming.Feed("Hi [f(", events);

        Assert.Equal([new ToolCallDelta.Content("Hi [f(")], events);
    }
}
