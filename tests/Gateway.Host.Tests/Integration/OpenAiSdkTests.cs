using System.ClientModel;
using System.Text;
using System.Text.Json;
using Gateway.Host.Tests.Support;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Host.Tests.Integration;

/// <summary>The official OpenAI .NET SDK, pointed at the gateway, is the client every user will bring.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(s => s.Auth.BearerToken = "sk-test");
        await _gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private ChatClient Client() => new("test-model", new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUrl, "v1") });

    [Fact]
    public async Task The_sdk_completes_a_plain_chat()
    {
        ChatCompletion completion = await Client().CompleteChatAsync([new UserChatMessage("Say hello")], new ChatCompletionOptions { MaxOutputTokenCount = 8 });

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(8, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task The_sdk_completes_a_streaming_chat()
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("Say hello")], new ChatCompletionOptions { MaxOutputTokenCount = 6 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        Assert.True(text.Length > 0);
        Assert.Equal(ChatFinishReason.Length, finish);
    }

    [Fact]
    public async Task The_sdk_surfaces_a_wrong_key_as_401()
    {
        var client = new ChatClient("test-model", new ApiKeyCredential("wrong"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.BaseUrl, "v1") });
        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, error.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_agent_loop_runs_end_to_end_on_the_embedded_default(bool streaming)
    {
        await using var gateway = await RunningGateway.StartEmbeddedAsync();
        await gateway.WaitUntilReadyAsync();
        var client = new ChatClient("selfhost-qwen", new ApiKeyCredential("any-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.BaseUrl, "v1") });
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool(
                    "get_weather",
                    "Current weather in a city",
                    BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"]}""")),
            },
        };
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Paris? Use get_weather.")];
        var toolRuns = new List<string>();
        string? answer = null;

        for (var turn = 0; turn < 4 && answer is null; turn++)
        {
            var (text, calls) = streaming ? await StreamTurnAsync(client, messages, options) : await PlainTurnAsync(client, messages, options);
            if (calls.Count == 0)
            {
                answer = text;
                break;
            }

            messages.Add(new AssistantChatMessage(calls));
            foreach (var call in calls)
            {
                Assert.Equal("get_weather", call.FunctionName);
                using var arguments = JsonDocument.Parse(call.FunctionArguments);
                var city = arguments.RootElement.GetProperty("city").GetString();
                Assert.Equal("celsius", arguments.RootElement.GetProperty("unit").GetString());
                toolRuns.Add(city!);
                messages.Add(new ToolChatMessage(call.Id, $"Sunny, 21 degrees in {city}"));
            }
        }

        Assert.Equal(["example"], toolRuns);
        Assert.NotNull(answer);
        Assert.Contains("Sunny, 21 degrees in example", answer, StringComparison.Ordinal);
    }

    private static async Task<(string? Text, List<ChatToolCall> Calls)> PlainTurnAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        ChatCompletion completion = await client.CompleteChatAsync(messages, options);
        if (completion.FinishReason == ChatFinishReason.ToolCalls)
        {
            Assert.NotEmpty(completion.ToolCalls);
            return (null, [.. completion.ToolCalls]);
        }

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        return (completion.Content[0].Text, []);
    }

    private static async Task<(string? Text, List<ChatToolCall> Calls)> StreamTurnAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        var text = new StringBuilder();
        var ids = new Dictionary<int, string>();
        var names = new Dictionary<int, string>();
        var arguments = new Dictionary<int, StringBuilder>();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                if (call.ToolCallId is { } id)
                {
                    ids[call.Index] = id;
                }

                if (call.FunctionName is { } name)
                {
                    names[call.Index] = name;
                }

                if (!arguments.TryGetValue(call.Index, out var builder))
                {
                    arguments[call.Index] = builder = new StringBuilder();
                }

                builder.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        if (finish == ChatFinishReason.ToolCalls)
        {
            return (null, [.. ids.Keys.Order().Select(i => ChatToolCall.CreateFunctionToolCall(ids[i], names[i], BinaryData.FromString(arguments[i].ToString())))]);
        }

        Assert.Equal(ChatFinishReason.Stop, finish);
        return (text.ToString(), []);
    }
}
