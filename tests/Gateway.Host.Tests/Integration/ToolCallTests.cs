using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Integration;

/// <summary>
/// vLLM without <c>--enable-auto-tool-choice</c> returns tool calls as raw text; the gateway turns them into
/// OpenAI <c>tool_calls</c>, checked here with the official SDK, streaming and not.
/// </summary>
public sealed class ToolCallTests : IAsyncLifetime
{
    private const string Raw =
        "Let me check both.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Zürich\", \"unit\": \"celsius\"}}\n</tool_call>\n" +
        "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Europe/Zurich\"}}\n</tool_call>";

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(s =>
        {
            s.Models[0].ToolCallParser = "hermes";
            s.Models.Add(new ModelSettings { Id = "plain-model", UpstreamModel = "test-model", Upstreams = [.. s.Models[0].Upstreams] });
        });
        await _gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static ChatCompletionOptions Options()
    {
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}""")));
        options.Tools.Add(ChatTool.CreateFunctionTool("get_time", "Time", BinaryData.FromString("""{"type":"object","properties":{"tz":{"type":"string"}}}""")));
        // The simulator's per-request control rides along untouched to the upstream.
#pragma warning disable SCME0001 // JSON patch is the SDK's way to send a field it does not model
        options.Patch.Set("$.vllm_sim"u8, BinaryData.FromObjectAsJson(new { output = Raw, chunk_chars = 7 }));
#pragma warning restore SCME0001
        return options;
    }

    private ChatClient Client() => new("test-model", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUrl, "v1") });

    [Fact]
    public async Task The_sdk_gets_structured_tool_calls_from_raw_model_text()
    {
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("Weather and time in Zürich?")], Options());

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("Let me check both.", completion.Content.Single().Text.Trim());
        Assert.Equal(["get_weather", "get_time"], completion.ToolCalls.Select(c => c.FunctionName));
        using var args = JsonDocument.Parse(completion.ToolCalls[0].FunctionArguments);
        Assert.Equal("Zürich", args.RootElement.GetProperty("city").GetString());
        Assert.All(completion.ToolCalls, c => Assert.False(string.IsNullOrEmpty(c.Id)));
    }

    [Fact]
    public async Task The_sdk_rebuilds_the_same_tool_calls_from_a_stream()
    {
        var content = new StringBuilder();
        var names = new Dictionary<int, string>();
        var ids = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("Weather and time in Zürich?")], Options()))
        {
            foreach (var part in update.ContentUpdate)
            {
                content.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                if (call.FunctionName is { } name)
                {
                    names[call.Index] = name;
                }

                if (call.ToolCallId is { } id)
                {
                    ids[call.Index] = id;
                }

                if (!arguments.TryGetValue(call.Index, out var args))
                {
                    arguments[call.Index] = args = new StringBuilder();
                }

                args.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("Let me check both.", content.ToString().Trim());
        Assert.Equal(["get_weather", "get_time"], names.OrderBy(n => n.Key).Select(n => n.Value));
        Assert.Equal(2, ids.Count);
        Assert.Equal("{\"city\":\"Zürich\",\"unit\":\"celsius\"}", arguments[0].ToString());
        Assert.Equal("{\"tz\":\"Europe/Zurich\"}", arguments[1].ToString());
    }

    [Fact]
    public async Task Tools_for_a_model_without_a_parser_are_refused_before_any_upstream_work()
    {
        var before = _gateway.Simulator!.Stats.RequestsTotal;
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            """{"model":"plain-model","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"""));

        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadRequest, "model_does_not_support_tools");
        Assert.Contains("plain-model", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, _gateway.Simulator.Stats.RequestsTotal);
    }

    [Fact]
    public async Task A_malformed_tool_definition_is_400_with_the_param_that_is_wrong()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"ok"}},{"type":"function","function":{"parameters":{}}}]}"""));

        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadRequest, "invalid_tool_definition");
        Assert.Equal("tools[1].function.name", error.GetProperty("param").GetString());
    }
}
