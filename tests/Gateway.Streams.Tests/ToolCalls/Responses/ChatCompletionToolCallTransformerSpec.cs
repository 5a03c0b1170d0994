using System.Text.Json;
using System.Text;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Responses;

namespace Gateway.Streams.Tests.ToolCalls.Responses;

public sealed class ChatCompletionToolCallTransformerSpec
{
    private static readonly BracketTestParser Parser = new();

    private static string Body(string content, string toolCalls = "[]", string finish = "\"stop\"") =>
        "{\"id\":\"chatcmpl-0f4d5a7c9b2e4e1f8a3b6c9d0e1f2a3b\",\"object\":\"chat.completion\",\"created\":1732406400,\"model\":\"qwen2.5-7b\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + content + ",\"refusal\":null,\"annotations\":null,"
        + "\"audio\":null,\"function_call\":null,\"tool_calls\":" + toolCalls + ",\"reasoning_content\":\"Thinking…\"},\"logprobs\":null,"
        + "\"finish_reason\":" + finish + ",\"stop_reason\":null}],\"service_tier\":null,\"system_fingerprint\":null,"
        + "\"usage\":{\"prompt_tokens\":30,\"total_tokens\":40,\"completion_tokens\":10,\"prompt_tokens_details\":null},"
        + "\"prompt_logprobs\":null,\"kv_transfer_params\":null,\"x_unknown\":{\"a\":[1,2.50]}}";

    private static byte[] Transform(string json) =>
        ChatCompletionToolCallTransformer.TransformResponse(Encoding.UTF8.GetBytes(json), Parser, ToolSchemas.Empty);

    [Fact]
    public void Markup_becomes_tool_calls_content_and_finish_reason()
    {
        var input = Body("\"Let me check the weather in Zürich. [[get_weather {\\\"city\\\": \\\"Zürich\\\"}]]\"");

        var output = Encoding.UTF8.GetString(Transform(input));

        var expected = Body(
            "\"Let me check the weather in Zürich.\"",
            "[{\"id\":\"call_test_0\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Zürich\\\"}\"}}]",
            "\"tool_calls\"");
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Only_calls_give_null_content_and_parallel_calls_keep_order()
    {
        var input = Body("\"[[a {\\\"x\\\":1}]] [[b {}]]\"", finish: "\"length\"");

        using var document = JsonDocument.Parse(Transform(input));
        var choice = document.RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");

        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var calls = message.GetProperty("tool_calls");
        Assert.Equal(2, calls.GetArrayLength());
        Assert.Equal("a", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"x\":1}", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("b", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Thinking…", message.GetProperty("reasoning_content").GetString());
    }

    [Fact]
    public void Absent_tool_calls_and_finish_reason_are_added()
    {
        const string Input = """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"[[f {}]]"}}]}""";

        var output = Encoding.UTF8.GetString(Transform(Input));

        Assert.Equal(
            """{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_test_0","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""",
            output);
    }

    [Fact]
    public void Structured_tool_calls_from_vllm_are_untouched()
    {
        var input = Body(
            "\"[[get_weather {}]]\"",
            "[{\"id\":\"chatcmpl-tool-4c2b\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]",
            "\"tool_calls\"");
        var bytes = Encoding.UTF8.GetBytes(input.Replace(",", ", ", StringComparison.Ordinal));

        Assert.Equal(bytes, ChatCompletionToolCallTransformer.TransformResponse(bytes, Parser, ToolSchemas.Empty));
    }

    [Theory]
    [InlineData("\"Hello! How can I help you today? [not a call]\"")]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void Bodies_without_markup_stay_byte_identical(string content)
    {
        var bytes = Encoding.UTF8.GetBytes(Body(content).Replace(":", ": ", StringComparison.Ordinal) + "\n");

        Assert.Equal(bytes, ChatCompletionToolCallTransformer.TransformResponse(bytes, Parser, ToolSchemas.Empty));
    }

    [Theory]
    [InlineData("{\"choices\":[{\"message\":{\"content\":\"[[f {}]]\"")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"choices\":{\"message\":{\"content\":\"[[f {}]]\"}}}")]
    [InlineData("{\"choices\":[42,{\"message\":\"[[f {}]]\"}]}")]
    [InlineData("")]
    public void Invalid_or_unexpected_bodies_come_back_unchanged(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Equal(bytes, ChatCompletionToolCallTransformer.TransformResponse(bytes, Parser, ToolSchemas.Empty));
    }

    [Fact]
    public void A_throwing_parser_leaves_the_body_unchanged()
    {
        var bytes = Encoding.UTF8.GetBytes(Body("\"[[f {}]]\""));

        Assert.Equal(bytes, ChatCompletionToolCallTransformer.TransformResponse(bytes, new ThrowingParser(), ToolSchemas.Empty));
    }

    [Fact]
    public void Only_the_choice_with_markup_changes()
    {
        const string Input =
            """{"id":"x","choices":[{"index":0,"message":{"content":"plain"},"finish_reason":"stop"},{"index":1,"message":{"content":"[[f {}]]"},"finish_reason":"stop"}]}""";

        var output = Encoding.UTF8.GetString(Transform(Input));

        Assert.Equal(
            """{"id":"x","choices":[{"index":0,"message":{"content":"plain"},"finish_reason":"stop"},{"index":1,"message":{"content":null,"tool_calls":[{"id":"call_test_0","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""",
            output);
    }

    private sealed class ThrowingParser : IToolCallParser
    {
        public string Name => "throwing";

        public ToolCallParseResult Parse(string modelOutput, ToolSchemas tools) => throw new InvalidOperationException("bug");

        public IStreamingToolCallParser CreateStreaming(ToolSchemas tools) => throw new InvalidOperationException("bug");
    }
}
