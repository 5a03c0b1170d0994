using System.Text.Json;
using Gateway.Host.Endpoints;
using Gateway.Host.Validation;

namespace Gateway.Host.Tests.Validation;

public sealed class ParameterValidatorTests
{
    private const string Msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /// <summary>Chat requests: the fields after <c>model</c>/<c>messages</c>, expected code (null = accepted) and <c>param</c>.</summary>
    public static TheoryData<string, string?, string?> ChatCases => new()
    {
        { "", null, null },
        { ",\"temperature\":0.7,\"top_p\":1,\"n\":2,\"max_tokens\":16,\"presence_penalty\":-2,\"frequency_penalty\":2,\"seed\":-5,\"user\":\"u\",\"stop\":[\"a\",\"b\"]", null, null },
        { ",\"temperature\":null,\"n\":null,\"stop\":null,\"response_format\":null", null, null },
        { ",\"top_k\":5,\"guided_json\":{\"type\":\"object\"},\"chat_template_kwargs\":{}", null, null },
        { ",\"n\":1.0,\"max_tokens\":1e2", null, null },
        { ",\"temperature\":\"hot\"", "invalid_type", "temperature" },
        { ",\"temperature\":3", "decimal_above_max_value", "temperature" },
        { ",\"temperature\":-0.1", "decimal_below_min_value", "temperature" },
        { ",\"temperature\":1e400", "decimal_above_max_value", "temperature" },
        { ",\"temperature\":-1e400", "decimal_below_min_value", "temperature" },
        { ",\"top_p\":0", "decimal_below_min_value", "top_p" },
        { ",\"top_p\":1.5", "decimal_above_max_value", "top_p" },
        { ",\"presence_penalty\":-2.5", "decimal_below_min_value", "presence_penalty" },
        { ",\"frequency_penalty\":true", "invalid_type", "frequency_penalty" },
        { ",\"n\":0", "integer_below_min_value", "n" },
        { ",\"n\":100000", "integer_above_max_value", "n" },
        { ",\"n\":129", "integer_above_max_value", "n" },
        { ",\"n\":1.5", "invalid_type", "n" },
        { ",\"n\":\"2\"", "invalid_type", "n" },
        { ",\"n\":1e400", "integer_above_max_value", "n" },
        { ",\"max_tokens\":0", "integer_below_min_value", "max_tokens" },
        { ",\"max_tokens\":99999999999999999999999", "integer_above_max_value", "max_tokens" },
        { ",\"max_completion_tokens\":-1", "integer_below_min_value", "max_completion_tokens" },
        { ",\"seed\":\"x\"", "invalid_type", "seed" },
        { ",\"seed\":1e30", "integer_above_max_value", "seed" },
        { ",\"user\":5", "invalid_type", "user" },
        { ",\"stream\":true,\"stream_options\":{\"include_usage\":true}", null, null },
        { ",\"stream_options\":{\"include_usage\":true}", "invalid_value", "stream_options" },
        { ",\"stream\":true,\"stream_options\":[]", "invalid_type", "stream_options" },
        { ",\"stream\":true,\"stream_options\":{\"include_usage\":\"yes\"}", "invalid_type", "stream_options.include_usage" },
        { ",\"logprobs\":true,\"top_logprobs\":5", null, null },
        { ",\"logprobs\":1", "invalid_type", "logprobs" },
        { ",\"top_logprobs\":5", "invalid_value", "top_logprobs" },
        { ",\"logprobs\":true,\"top_logprobs\":21", "integer_above_max_value", "top_logprobs" },
        { ",\"stop\":\"x\"", null, null },
        { ",\"stop\":5", "invalid_type", "stop" },
        { ",\"stop\":[\"a\",1]", "invalid_type", "stop[1]" },
        { ",\"stop\":[" + string.Join(",", Enumerable.Repeat("\"s\"", 65)) + "]", "array_above_max_length", "stop" },
        { ",\"response_format\":{\"type\":\"json_object\"}", null, null },
        { ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}", null, null },
        { ",\"response_format\":\"json\"", "invalid_type", "response_format" },
        { ",\"response_format\":{}", "missing_required_parameter", "response_format.type" },
        { ",\"response_format\":{\"type\":\"yaml\"}", "invalid_value", "response_format.type" },
        { ",\"response_format\":{\"type\":\"json_schema\"}", "missing_required_parameter", "response_format.json_schema" },
        { ",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":true}", "invalid_type", "response_format.json_schema" },
    };

    /// <summary>Chat messages: the whole <c>messages</c> array, expected code and <c>param</c>.</summary>
    public static TheoryData<string, string?, string?> MessageCases => new()
    {
        { "[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"developer\",\"content\":\"d\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}]", null, null },
        { "[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"c1\"}]", null, null },
        { "[{\"role\":\"tool\",\"content\":\"42\"}]", null, null },
        { "[{\"role\":\"function\",\"name\":\"f\",\"content\":\"42\"}]", null, null },
        { "[{\"content\":\"hi\"}]", "missing_required_parameter", "messages[0].role" },
        { "[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"robot\",\"content\":\"hi\"}]", "invalid_value", "messages[1].role" },
        { "[{\"role\":7,\"content\":\"hi\"}]", "invalid_type", "messages[0].role" },
        { "[{\"role\":\"user\",\"content\":7}]", "invalid_type", "messages[0].content" },
        { "[{\"role\":\"user\",\"content\":{\"text\":\"x\"}}]", "invalid_type", "messages[0].content" },
        { "[{\"role\":\"user\",\"content\":[1]}]", "invalid_type", "messages[0].content[0]" },
        { "[{\"role\":\"user\",\"content\":\"x\",\"name\":1}]", "invalid_type", "messages[0].name" },
        { "[{\"role\":\"tool\",\"content\":\"x\",\"tool_call_id\":1}]", "invalid_type", "messages[0].tool_call_id" },
        { "[{\"role\":\"assistant\",\"tool_calls\":{}}]", "invalid_type", "messages[0].tool_calls" },
    };

    /// <summary>Completions and embeddings: route, whole body, expected code and <c>param</c>.</summary>
    public static TheoryData<string, string, string?, string?> OtherRouteCases => new()
    {
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":\"hi\",\"logprobs\":5,\"echo\":false}", null, null },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":[[1,2],[3]]}", null, null },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}", null, null },
        { "/v1/completions", "{\"model\":\"m\",\"prompt_embeds\":\"base64\"}", null, null },
        { "/v1/completions", "{\"model\":\"m\"}", "missing_required_parameter", "prompt" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":5}", "invalid_type", "prompt" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":[]}", "empty_array", "prompt" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":[\"a\",1]}", "invalid_type", "prompt[1]" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":true}", "invalid_type", "logprobs" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"logprobs\":21}", "integer_above_max_value", "logprobs" },
        { "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"temperature\":\"hot\"}", "invalid_type", "temperature" },
        { "/v1/embeddings", "{\"model\":\"m\",\"input\":\"hi\"}", null, null },
        { "/v1/embeddings", "{\"model\":\"m\",\"input\":[1,2,3]}", null, null },
        { "/v1/embeddings", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", null, null },
        { "/v1/embeddings", "{\"model\":\"m\"}", "missing_required_parameter", "input" },
        { "/v1/embeddings", "{\"model\":\"m\",\"input\":{\"a\":1}}", "invalid_type", "input" },
        { "/v1/embeddings", "{\"model\":\"m\",\"input\":[1,-2]}", "invalid_type", "input[1]" },
        { "/tokenize", "{\"model\":\"m\",\"temperature\":\"hot\"}", null, null },
    };

    [Theory]
    [MemberData(nameof(ChatCases))]
    public void Chat_parameters_are_checked_for_type_and_range(string fields, string? code, string? param) =>
        AssertOutcome("/v1/chat/completions", "{\"model\":\"m\"," + Msgs + fields + "}", code, param);

    [Theory]
    [MemberData(nameof(MessageCases))]
    public void Chat_messages_need_a_known_role_and_content_of_a_known_shape(string messages, string? code, string? param) =>
        AssertOutcome("/v1/chat/completions", "{\"model\":\"m\",\"messages\":" + messages + "}", code, param);

    [Theory]
    [MemberData(nameof(OtherRouteCases))]
    public void Completions_and_embeddings_parameters_are_checked(string path, string body, string? code, string? param) =>
        AssertOutcome(path, body, code, param);

    [Theory]
    [InlineData("/v1/chat/completions", "max_tokens", 4096, null)]
    [InlineData("/v1/chat/completions", "max_tokens", 4097, "integer_above_max_value")]
    [InlineData("/v1/chat/completions", "max_completion_tokens", 4097, "integer_above_max_value")]
    [InlineData("/v1/completions", "max_tokens", 4097, "integer_above_max_value")]
    public void Max_tokens_above_the_models_context_length_is_refused_when_it_is_known(string path, string field, int value, string? code)
    {
        var body = $"{{\"model\":\"m\",\"prompt\":\"x\",{Msgs},\"{field}\":{value}}}";
        using var doc = JsonDocument.Parse(body);
        var error = ParameterValidator.Validate(doc.RootElement, Route(path), maxModelLen: 4096);
        Assert.Equal(code, error?.Code);
        Assert.Null(ParameterValidator.Validate(doc.RootElement, Route(path), maxModelLen: null));
    }

    [Fact]
    public void Messages_reproduce_openais_phrasing()
    {
        Assert.Equal(
            "Invalid type for 'temperature': expected a decimal, but got a string instead.",
            Error("{\"model\":\"m\"," + Msgs + ",\"temperature\":\"hot\"}").Message);
        Assert.Equal(
            "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 100000 instead.",
            Error("{\"model\":\"m\"," + Msgs + ",\"n\":100000}").Message);
        Assert.Equal(
            "Invalid value: 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', 'function'.",
            Error("{\"model\":\"m\",\"messages\":[{\"role\":\"robot\"}]}").Message);
        var error = Error("{\"model\":\"m\"," + Msgs + ",\"temperature\":3}");
        Assert.Equal((400, "invalid_request_error"), (error.Status, error.Type));
    }

    [Fact]
    public void A_huge_number_literal_is_clipped_in_the_message()
    {
        var error = Error("{\"model\":\"m\"," + Msgs + ",\"n\":" + new string('9', 5000) + "}");
        Assert.Equal("integer_above_max_value", error.Code);
        Assert.True(error.Message.Length < 300, error.Message);
    }

    private static Gateway.Streams.Proxy.GatewayError Error(string body)
    {
        using var doc = JsonDocument.Parse(body);
        return ParameterValidator.Validate(doc.RootElement, Route("/v1/chat/completions")) ?? throw new InvalidOperationException("accepted: " + body);
    }

    private static void AssertOutcome(string path, string body, string? code, string? param)
    {
        using var doc = JsonDocument.Parse(body);
        var error = ParameterValidator.Validate(doc.RootElement, Route(path));
        Assert.True(code == error?.Code, $"expected {code ?? "accepted"}, got {error?.Code ?? "accepted"} ({error?.Message})");
        Assert.Equal(param, error?.Param);
        if (error is not null)
        {
            Assert.Equal(400, error.Status);
        }
    }

    private static ProxyRoute Route(string path) => ProxyRoute.All.Single(r => r.Path == path);
}
