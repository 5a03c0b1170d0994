using System.Text.Json;
using System.Text;
using Gateway.Streams.ToolCalls.Requests;

namespace Gateway.Streams.Tests.ToolCalls.Requests;

public sealed class ToolRequestRewriterSpec
{
    private const string Tools =
        """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

    private static ToolRewriteResult Rewrite(string json, string? model = "upstream-m", bool gatewayParses = true)
    {
        using var document = JsonDocument.Parse(json);
        return ToolRequestRewriter.Rewrite(document.RootElement, model, gatewayParses);
    }

    private static string Text(ToolRewriteResult result) => Encoding.UTF8.GetString(result.Body);

    [Fact]
    public void Auto_tool_choice_becomes_none_and_special_tokens_are_kept()
    {
        var result = Rewrite($$"""{"model":"m","messages":[],"tools":{{Tools}},"tool_choice":"auto","stream":true}""");

        Assert.True(result.ParseResponse);
        Assert.Equal(
            $$"""{"model":"upstream-m","messages":[],"tools":{{Tools}},"tool_choice":"none","stream":true,"skip_special_tokens":false}""",
            Text(result));
        Assert.True(result.Schemas.Contains("get_weather"));
    }

    [Fact]
    public void Absent_tool_choice_with_tools_becomes_none()
    {
        var result = Rewrite($$"""{"model":"m","tools":{{Tools}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.True(result.ParseResponse);
        Assert.Equal(
            $$"""{"model":"upstream-m","tools":{{Tools}},"messages":[{"role":"user","content":"Hi"}],"tool_choice":"none","skip_special_tokens":false}""",
            Text(result));
    }

    [Fact]
    public void Existing_skip_special_tokens_is_overwritten_in_place()
    {
        var result = Rewrite($$"""{"skip_special_tokens":true,"model":"m","tools":{{Tools}},"tool_choice":null}""");

        Assert.True(result.ParseResponse);
        Assert.Equal(
            $$"""{"skip_special_tokens":false,"model":"upstream-m","tools":{{Tools}},"tool_choice":"none"}""",
            Text(result));
    }

    [Theory]
    [InlineData("\"required\"")]
    [InlineData("\"none\"")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""")]
    public void Named_required_and_none_pass_through_without_parsing(string toolChoice)
    {
        var result = Rewrite($$"""{"model":"m","tools":{{Tools}},"tool_choice":{{toolChoice}},"skip_special_tokens":true}""");

        Assert.False(result.ParseResponse);
        Assert.Equal($$"""{"model":"upstream-m","tools":{{Tools}},"tool_choice":{{toolChoice}},"skip_special_tokens":true}""", Text(result));
    }

    [Fact]
    public void Without_tools_only_the_model_changes()
    {
        var result = Rewrite("""{"model":"m","messages":[{"role":"user","content":"Grüße 👋"}],"tool_choice":"auto","tools":[]}""");

        Assert.False(result.ParseResponse);
        Assert.Equal("""{"model":"upstream-m","messages":[{"role":"user","content":"Grüße 👋"}],"tool_choice":"auto","tools":[]}""", Text(result));
    }

    [Fact]
    public void Unknown_fields_keep_their_order_and_spelling()
    {
        var body =
            $$"""{"top_k":20,"model":"m","guided_json":{"type":"object"},"tools":{{Tools}},"chat_template_kwargs":{"enable_thinking":false},"temperature":0.70,"vllm_sim":{"script":"a\u00e9\n"},"messages":[]}""";

        var result = Rewrite(body);

        Assert.Equal(
            $$"""{"top_k":20,"model":"upstream-m","guided_json":{"type":"object"},"tools":{{Tools}},"chat_template_kwargs":{"enable_thinking":false},"temperature":0.70,"vllm_sim":{"script":"a\u00e9\n"},"messages":[],"tool_choice":"none","skip_special_tokens":false}""",
            Text(result));
    }

    [Fact]
    public void Without_gateway_parsing_only_the_model_is_replaced()
    {
        var result = Rewrite($$"""{"model":"m","tools":{{Tools}},"tool_choice":"auto"}""", gatewayParses: false);

        Assert.False(result.ParseResponse);
        Assert.Equal($$"""{"model":"upstream-m","tools":{{Tools}},"tool_choice":"auto"}""", Text(result));
    }

    [Fact]
    public void Missing_model_is_added_and_null_model_name_keeps_the_body()
    {
        Assert.Equal("""{"messages":[],"model":"upstream-m"}""", Text(Rewrite("""{"messages":[]}""")));

        const string Body = """{ "model" : "m",  "messages": [] }""";
        Assert.Equal(Body, Text(Rewrite(Body, model: null)));
    }
}
