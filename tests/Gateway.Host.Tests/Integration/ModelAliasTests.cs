using System.Net;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

/// <summary>A model served by vLLM under another name: requests are mapped, responses carry the client's id.</summary>
public sealed class ModelAliasTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(s =>
        {
            s.Models[0].Id = "alias";
            s.Models[0].UpstreamModel = "test-model";
        });
        await _gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_plain_response_names_the_model_the_client_asked_for()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", """{"model":"alias","messages":[{"role":"user","content":"hi"}],"max_tokens":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("alias", doc.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Every_streamed_chunk_names_the_model_the_client_asked_for()
    {
        using var response = await _gateway.Client.SendAsync(
            _gateway.Post("/v1/chat/completions", """{"model":"alias","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}],"max_tokens":3}"""),
            HttpCompletionOption.ResponseHeadersRead);

        var events = SseReader.Events(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", events[^1]);
        foreach (var e in events.SkipLast(1))
        {
            using var doc = JsonDocument.Parse(e);
            Assert.Equal("alias", doc.RootElement.GetProperty("model").GetString());
        }
    }
}
