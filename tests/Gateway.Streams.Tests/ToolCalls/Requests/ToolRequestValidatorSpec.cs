using System.Text.Json;
using Gateway.Streams.ToolCalls.Requests;

namespace Gateway.Streams.Tests.ToolCalls.Requests;

public sealed class ToolRequestValidatorSpec
{
    private const string Weather =
        """{"type":"function","function":{"name":"get_weather","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}""";

    private const string Time = """{"type":"function","function":{"name":"get-time_2"}}""";

    private static ToolValidationError? Validate(string json, string? parser = "hermes", bool upstreamParses = false, string model = "m")
    {
        using var document = JsonDocument.Parse(json);
        return ToolRequestValidator.Validate(document.RootElement, model, parser, upstreamParses);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[]}""")]
    [InlineData("""{"model":"m","tools":null,"tool_choice":null}""")]
    [InlineData("""{"model":"m","tools":[]}""")]
    [InlineData("""{"model":"m","tools":[],"tool_choice":"none"}""")]
    [InlineData("""{"model":"m","tool_choice":"none"}""")]
    [InlineData($$"""{"model":"m","tools":[{{Weather}},{{Time}}]}""")]
    [InlineData($$"""{"model":"m","tools":[{{Weather}}],"tool_choice":"auto"}""")]
    [InlineData($$"""{"model":"m","tools":[{{Weather}}],"tool_choice":"required"}""")]
    [InlineData($$"""{"model":"m","tools":[{{Weather}}],"tool_choice":"none"}""")]
    [InlineData("""{"model":"m","tools":[""" + Weather + "," + Time + """],"tool_choice":{"type":"function","function":{"name":"get-time_2"}}}""")]
    [InlineData("""{"model":"m","tools":[{"type":"function","function":{"name":"f","parameters":null}}]}""")]
    public void Valid_requests_pass(string json) => Assert.Null(Validate(json));

    [Theory]
    [InlineData("""{"tools":{"type":"function"}}""", "invalid_tools", "tools")]
    [InlineData("""{"tools":"get_weather"}""", "invalid_tools", "tools")]
    [InlineData($$"""{"tools":[{{Weather}},42]}""", "invalid_tool_definition", "tools[1]")]
    [InlineData("""{"tools":[{"function":{"name":"f"}}]}""", "invalid_tool_definition", "tools[0].type")]
    [InlineData("""{"tools":[{"type":"retrieval","function":{"name":"f"}}]}""", "invalid_tool_definition", "tools[0].type")]
    [InlineData("""{"tools":[{"type":"function"}]}""", "invalid_tool_definition", "tools[0].function")]
    [InlineData("""{"tools":[{"type":"function","function":"f"}]}""", "invalid_tool_definition", "tools[0].function")]
    [InlineData($$$"""{"tools":[{{{Weather}}},{"type":"function","function":{}}]}""", "invalid_tool_definition", "tools[1].function.name")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":7}}]}""", "invalid_tool_definition", "tools[0].function.name")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"get weather"}}]}""", "invalid_tool_definition", "tools[0].function.name")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":""}}]}""", "invalid_tool_definition", "tools[0].function.name")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]}""", "invalid_tool_definition", "tools[0].function.parameters")]
    [InlineData("""{"tools":[{"type":"function","function":{"name":"f","parameters":[]}}]}""", "invalid_tool_definition", "tools[0].function.parameters")]
    [InlineData($$"""{"tools":[{{Weather}}],"tool_choice":"any"}""", "invalid_tool_choice", "tool_choice")]
    [InlineData($$"""{"tools":[{{Weather}}],"tool_choice":true}""", "invalid_tool_choice", "tool_choice")]
    [InlineData($$$"""{"tools":[{{{Weather}}}],"tool_choice":{"type":"function"}}""", "invalid_tool_choice", "tool_choice")]
    [InlineData("""{"tools":[""" + Weather + """],"tool_choice":{"type":"function","function":{"name":"nope"}}}""", "tool_choice_not_found", "tool_choice")]
    [InlineData("""{"tool_choice":"auto"}""", "invalid_tool_choice", "tool_choice")]
    [InlineData("""{"tools":[],"tool_choice":"required"}""", "invalid_tool_choice", "tool_choice")]
    [InlineData("""{"tool_choice":{"type":"function","function":{"name":"f"}}}""", "invalid_tool_choice", "tool_choice")]
    public void Invalid_requests_name_code_and_param(string json, string code, string param)
    {
        var error = Validate(json);

        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Name_messages_say_missing_not_a_string_or_invalid()
    {
        Assert.Contains("missing", Validate("""{"tools":[{"type":"function","function":{}}]}""")!.Message, StringComparison.Ordinal);
        Assert.Contains("not a string", Validate("""{"tools":[{"type":"function","function":{"name":1}}]}""")!.Message, StringComparison.Ordinal);
        var invalid = Validate($$$"""{"tools":[{"type":"function","function":{"name":"{{{new string('a', 65)}}}"}}]}""")!;
        Assert.Contains("invalid", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_are_named()
    {
        var error = Validate($$"""{"tools":[{{Weather}},{{Time}},{{Weather}}]}""");

        Assert.NotNull(error);
        Assert.Equal("invalid_tool_definition", error.Code);
        Assert.Equal("tools[2].function.name", error.Param);
        Assert.Contains("'get_weather'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_forced_tool_is_named()
    {
        var error = Validate("""{"tools":[""" + Weather + """],"tool_choice":{"type":"function","function":{"name":"send_mail"}}}""");

        Assert.Equal("tool_choice_not_found", error!.Code);
        Assert.Contains("'send_mail'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public void Tools_without_any_parser_are_refused_naming_the_model(string? parser)
    {
        var error = Validate($$"""{"tools":[{{Weather}}]}""", parser, upstreamParses: false, model: "llama-8b");

        Assert.NotNull(error);
        Assert.Equal("model_does_not_support_tools", error.Code);
        Assert.Equal("tools", error.Param);
        Assert.StartsWith("Model 'llama-8b' cannot serve tool-using requests", error.Message, StringComparison.Ordinal);
        Assert.Contains("--enable-auto-tool-choice", error.Message, StringComparison.Ordinal);
        Assert.Contains("TOOL_CALL_PARSER", error.Message, StringComparison.Ordinal);
        Assert.Contains("toolCallParser", error.Message, StringComparison.Ordinal);
        Assert.Contains("upstreamParsesTools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Upstream_parsing_or_no_tools_needs_no_gateway_parser()
    {
        Assert.Null(Validate($$"""{"tools":[{{Weather}}]}""", parser: "none", upstreamParses: true));
        Assert.Null(Validate("""{"tools":[],"tool_choice":"none"}""", parser: "none", upstreamParses: false));
        Assert.Null(Validate("""{"messages":[]}""", parser: null, upstreamParses: false));
    }

    [Fact]
    public void Definition_errors_come_before_the_parser_check()
    {
        var error = Validate("""{"tools":[{"type":"function","function":{"name":"a b"}}]}""", parser: "none");

        Assert.Equal("invalid_tool_definition", error!.Code);
    }
}
