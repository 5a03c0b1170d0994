using System.Text;
using System.Text.Json;
using Gateway.Streams.Json;

namespace Gateway.Streams.Tests.Json;

public class JsonBodyRewriterSpec
{
    private static string Rewrite(string json, string? model, bool usage)
    {
        using var doc = JsonDocument.Parse(json);
        return Encoding.UTF8.GetString(JsonBodyRewriter.Rewrite(doc.RootElement, new BodyEdits(model, usage)));
    }

    [Fact]
    public void Replaces_only_the_model_and_keeps_every_other_field_in_order()
    {
        Assert.Equal(
            """{"top_k":5,"model":"upstream","guided_json":{"a":[1,2]},"x":null}""",
            Rewrite("""{"top_k":5,"model":"client","guided_json":{"a":[1,2]},"x":null}""", "upstream", usage: false));
    }

    [Fact]
    public void Adds_include_usage_and_keeps_the_clients_other_stream_options()
    {
        Assert.Equal(
            """{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":false,"include_usage":true}}""",
            Rewrite("""{"model":"m","stream":true,"stream_options":{"continuous_usage_stats":false,"include_usage":false}}""", null, usage: true));
        Assert.Equal(
            """{"model":"m","stream":true,"stream_options":{"include_usage":true}}""",
            Rewrite("""{"model":"m","stream":true}""", null, usage: true));
    }

    [Theory]
    [InlineData("""{"stream_options":{"include_usage":true}}""", true)]
    [InlineData("""{"stream_options":{"include_usage":false}}""", false)]
    [InlineData("""{"stream_options":null}""", false)]
    [InlineData("""{}""", false)]
    public void Knows_when_the_client_asked_for_usage(string json, bool expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, JsonBodyRewriter.ClientRequestedUsage(doc.RootElement));
    }

    [Fact]
    public void Copies_untouched_fields_byte_for_byte_whatever_their_escaping()
    {
        const string json = """{"model":"m","messages":[{"content":"Gr\u00fc\u00dfe 🎉 <b>"}],"temperature":1.50}""";
        Assert.Equal(
            """{"model":"u","messages":[{"content":"Gr\u00fc\u00dfe 🎉 <b>"}],"temperature":1.50}""",
            Rewrite(json, "u", usage: false));
    }

    [Fact]
    public void Applies_every_edit_in_one_pass()
    {
        using var doc = JsonDocument.Parse("""{"model":"m","tool_choice":"auto","stream":true}""");
        var body = Encoding.UTF8.GetString(JsonBodyRewriter.Rewrite(doc.RootElement, new BodyEdits("u", IncludeUsage: true, ToolChoiceNone: true, KeepSpecialTokens: true)));
        Assert.Equal("""{"model":"u","tool_choice":"none","stream":true,"stream_options":{"include_usage":true},"skip_special_tokens":false}""", body);
    }

    [Theory]
    [InlineData("{}", """{"stream_options":{"include_usage":true}}""")]
    [InlineData("{ \n }", "{ \n \"stream_options\":{\"include_usage\":true}}")]
    [InlineData("""{ "model" : "m\u00e9", "n" : 1.50 }""", """{ "model" : "m\u00e9", "n" : 1.50 ,"stream_options":{"include_usage":true}}""")]
    public void Only_include_usage_appends_it_to_the_bytes_as_sent(string json, string expected)
    {
        Assert.Equal(expected, Rewrite(json, null, usage: true));
        using var parsed = JsonDocument.Parse(expected);
        Assert.True(JsonBodyRewriter.ClientRequestedUsage(parsed.RootElement));
    }

    [Fact]
    public void Returns_the_body_as_sent_when_there_is_nothing_to_edit()
    {
        const string json = """{ "model" : "m" }""";
        Assert.Equal(json, Rewrite(json, null, usage: false));
    }
}
