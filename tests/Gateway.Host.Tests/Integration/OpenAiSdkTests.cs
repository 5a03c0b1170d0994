using System.ClientModel;
using System.Text;
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
}
