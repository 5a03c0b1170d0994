using System.Text.Json;
using Gateway.Streams.ToolCalls.Parsers;
using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class Qwen3CoderToolCallParserSpec
{
    private const string Qwen = "qwen3_coder";

    private static readonly ToolSchemas Tools = ToolSchemas.FromRequest(JsonDocument.Parse("""
        {"tools": [{"type": "function", "function": {"name": "typed", "parameters": {"type": "object", "properties": {
          "count": {"type": "integer"}, "ratio": {"type": "number"}, "whole": {"type": "number"}, "flag": {"type": "boolean"},
          "filter": {"type": "object"}, "items": {"type": "array"}, "label": {"type": "string"}, "maybe": {"type": ["integer", "null"]},
          "either": {"anyOf": [{"type": "integer"}, {"type": "null"}]}, "pyobj": {"type": "object"}, "bad": {"type": "integer"},
          "nullstr": {"type": "string"}}}}}]}
        """).RootElement);

    private static string Call(string body) => $"<tool_call>\n<function=typed>\n{body}</function>\n</tool_call>";

    private static string Parameter(string name, string value) => $"<parameter={name}>\n{value}\n</parameter>\n";

    [Fact]
    public void Values_are_typed_by_the_request_schema()
    {
        var raw = Call(Parameter("count", "42") + Parameter("ratio", "0.25") + Parameter("whole", "3.0") + Parameter("flag", "True")
            + Parameter("filter", "{\"status\": \"open\"}") + Parameter("items", "[1, \"two\"]") + Parameter("label", "007")
            + Parameter("maybe", "null") + Parameter("either", "7") + Parameter("pyobj", "{'a': True, 'b': None}")
            + Parameter("nullstr", "null") + Parameter("unknown", "5"));

        var result = AssertParses(Qwen, raw, null, [("typed", """
            {"count": 42, "ratio": 0.25, "whole": 3, "flag": true, "filter": {"status": "open"}, "items": [1, "two"],
             "label": "007", "maybe": null, "either": 7, "pyobj": {"a": true, "b": null}, "nullstr": "null", "unknown": "5"}
            """)], Tools);

        Assert.Contains("\"count\":42", result.ToolCalls[0].ArgumentsJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_does_not_parse_as_its_declared_type_stays_a_string()
    {
        AssertParses(
            Qwen,
            Call(Parameter("bad", "forty-two") + Parameter("flag", "yes") + Parameter("filter", "{broken") + Parameter("ratio", "1,5")),
            null,
            [("typed", "{\"bad\": \"forty-two\", \"flag\": \"yes\", \"filter\": \"{broken\", \"ratio\": \"1,5\"}")],
            Tools);
    }

    [Fact]
    public void Without_a_schema_every_value_is_a_string()
    {
        AssertParses(Qwen, Call(Parameter("count", "42") + Parameter("flag", "true")), null, [("typed", "{\"count\": \"42\", \"flag\": \"true\"}")]);
    }

    [Fact]
    public void Multi_line_code_with_markup_like_text_and_unicode_is_kept_verbatim()
    {
        const string code = "if a < b && c > d:\n    print(\"<tag> ü 🎉\")\n</para not a tag";
        AssertParses(
            Qwen,
            "Writing it.\n<tool_call>\n<function=write>\n<parameter=path>\na.py\n</parameter>\n<parameter=code>\n" + code + "\n</parameter>\n</function>\n</tool_call>\nDone.",
            "Writing it.\n\nDone.",
            [("write", JsonSerializer.Serialize(new { path = "a.py", code }))]);
    }

    [Fact]
    public void Several_functions_in_one_block_and_a_bare_function_are_calls()
    {
        AssertParses(
            Qwen,
            "<tool_call><function=a><parameter=x>1</parameter></function><function=b></function></tool_call> then <function=c><parameter=y>2</parameter></function>",
            "then",
            [("a", "{\"x\": \"1\"}"), ("b", "{}"), ("c", "{\"y\": \"2\"}")]);
    }

    [Fact]
    public void Output_cut_inside_a_value_still_gives_the_call_with_the_partial_value()
    {
        AssertParses(Qwen, "<tool_call>\n<function=write>\n<parameter=text>\nhello wor", null, [("write", "{\"text\": \"hello wor\"}")]);
    }

    [Fact]
    public void A_prefix_of_a_tag_in_prose_is_released()
    {
        AssertParses(Qwen, "a <tool b <function c <parameter=x>", "a <tool b <function c <parameter=x>", []);
    }
}
