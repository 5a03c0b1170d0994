using System.Text;
using System.Text.Json;
using Gateway.Host.Observability;

namespace Gateway.Host.Tests.Observability;

public sealed class ContentCaptureTests
{
    [Fact]
    public void The_prompt_is_the_field_the_route_carries_as_sent()
    {
        Assert.Equal("""[{"role":"user","content":"hi"}]""", Start("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""").Prompt);
        Assert.Equal("\"once upon\"", Start("""{"model":"m","prompt":"once upon"}""").Prompt);
        Assert.Equal("\"tell me\"", Start("""{"model":"m","input":"tell me"}""").Prompt);
        Assert.Null(Start("""{"model":"m"}""").Prompt);
    }

    [Fact]
    public void A_stream_logs_its_content_and_tool_call_argument_deltas_concatenated()
    {
        var capture = Start("""{"messages":[]}""");
        foreach (var write in new[]
        {
            "data: ", """{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}""", "\n\n",
            "data: ", """{"choices":[{"index":0,"delta":{"content":"lo"}}]}""", "\n\n",
            "data: ", """{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":"{\"a\":"}}]}}]}""", "\n\n",
            """data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]}""" + "\n\n",
            "data: ", """{"choices":[],"usage":{"prompt_tokens":3}}""", "\n\n",
            "data: ", "{not json", "\n\n",
            "data: [DONE]\n\n",
        })
        {
            capture.CollectStreamWrite(Encoding.UTF8.GetBytes(write));
        }

        Assert.Equal("Hello{\"a\":1}", capture.Completion);
    }

    [Fact]
    public void A_plain_body_logs_its_message_content_tool_call_arguments_and_completion_text()
    {
        var chat = Start("{}");
        chat.CollectBody("""{"choices":[{"message":{"content":"Sure. ","tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}}]}"""u8);
        Assert.Equal("Sure. {}", chat.Completion);

        var completion = Start("{}");
        completion.CollectBody("""{"choices":[{"index":0,"text":"the end"}]}"""u8);
        Assert.Equal("the end", completion.Completion);

        var responses = Start("{}");
        responses.CollectBody("""{"output":[{"type":"message","content":[{"type":"output_text","text":"answer"}]}]}"""u8);
        Assert.Equal("answer", responses.Completion);
    }

    [Fact]
    public void Prompt_and_completion_are_bounded_with_a_truncation_marker()
    {
        var big = new string('x', ContentCapture.MaxChars + 10);
        var capture = Start(JsonSerializer.Serialize(new { prompt = big }));
        Assert.StartsWith("\"" + new string('x', ContentCapture.MaxChars - 1), capture.Prompt, StringComparison.Ordinal);
        Assert.EndsWith("[truncated 12 chars]", capture.Prompt, StringComparison.Ordinal);

        capture.CollectBody(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { choices = new[] { new { text = big } } })));
        capture.CollectBody("""{"choices":[{"text":"more"}]}"""u8);
        Assert.Equal(new string('x', ContentCapture.MaxChars) + "…[truncated 14 chars]", capture.Completion);
    }

    private static ContentCapture Start(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ContentCapture.Start(document.RootElement);
    }
}
