using static Gateway.Streams.Tests.ToolCalls.Parsers.ToolCallParserHarness;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class DeepSeekV3ToolCallParserSpec
{
    private const string DeepSeek = "deepseek_v3";
    private const string Begin = "<｜tool▁calls▁begin｜>";
    private const string End = "<｜tool▁calls▁end｜>";

    private static string Call(string name, string json) =>
        $"<｜tool▁call▁begin｜>function<｜tool▁sep｜>{name}\n```json\n{json}\n```<｜tool▁call▁end｜>";

    [Fact]
    public void Several_calls_with_unicode_and_text_around_the_block()
    {
        AssertParses(
            DeepSeek,
            "好的。" + Begin + Call("a", "{\"city\": \"北京 🌧\", \"q\": \"\\\"x\\\"\"}") + "\n" + Call("b", "{\"n\": {\"m\": [1]}}") + End + " 完成",
            "好的。 完成",
            [("a", "{\"city\": \"北京 🌧\", \"q\": \"\\\"x\\\"\"}"), ("b", "{\"n\": {\"m\": [1]}}")]);
    }

    [Fact]
    public void A_bad_call_becomes_content_while_the_good_one_stands()
    {
        var bad = Call("b", "{oops}");
        AssertParses(DeepSeek, Begin + Call("a", "{}") + bad + End, bad, [("a", "{}")]);
    }

    [Fact]
    public void The_v3_1_spelling_without_type_and_fence_is_accepted()
    {
        AssertParses(DeepSeek, Begin + "<｜tool▁call▁begin｜>get_time<｜tool▁sep｜>{\"tz\": \"UTC\"}<｜tool▁call▁end｜>" + End, null, [("get_time", "{\"tz\": \"UTC\"}")]);
    }

    [Fact]
    public void A_partial_marker_in_prose_is_released()
    {
        AssertParses(DeepSeek, "x <｜tool▁ y", "x <｜tool▁ y", []);
    }
}
