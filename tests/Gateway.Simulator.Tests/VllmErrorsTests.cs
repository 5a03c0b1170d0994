using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class VllmErrorsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Unknown_model_is_404_with_vllms_exact_body()
    {
        using var response = await _client.PostAsync("/v1/chat/completions", SimHttp.Json("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            """{"error":{"message":"The model `gpt-4o` does not exist.","type":"NotFoundError","param":null,"code":404}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "{not json")]
    [InlineData("/v1/chat/completions", "")]
    [InlineData("/v1/chat/completions", "[1,2]")]
    [InlineData("/v1/chat/completions", """{"model":"sim-model"}""")]
    [InlineData("/v1/chat/completions", """{"messages":"hi"}""")]
    [InlineData("/v1/chat/completions", """{"messages":[{"content":"no role"}]}""")]
    [InlineData("/v1/chat/completions", """{"messages":[],"stream":"yes"}""")]
    [InlineData("/v1/chat/completions", """{"messages":[],"max_tokens":"many"}""")]
    [InlineData("/v1/chat/completions", """{"messages":[],"stream_options":{"include_usage":true}}""")]
    [InlineData("/v1/chat/completions", """{"messages":[],"vllm_sim":{"chunk_chars":0}}""")]
    [InlineData("/v1/completions", """{"prompt":5}""")]
    [InlineData("/v1/embeddings", "{oops")]
    public async Task Bad_input_is_400_in_vllm_envelope(string path, string body)
    {
        using var response = await _client.PostAsync(path, SimHttp.Json(body));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains(error.GetProperty("type").GetString(), new[] { "Bad Request", "BadRequestError" });
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Non_json_content_type_is_400()
    {
        using var response = await _client.PostAsync("/v1/chat/completions", new StringContent("""{"messages":[]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Unsupported Media Type", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tools_with_auto_tool_choice_is_400_without_a_tool_parser()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequestError", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("--enable-auto-tool-choice", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_tokens_beyond_the_context_is_400()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"max_tokens":5000}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("'max_tokens' or 'max_completion_tokens' is too large: 5000.", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_is_400()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/completions", SimHttp.Body(new { prompt = new string('x', 4 * 5000) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("This model's maximum context length is 4096 tokens.", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Legacy_envelope_is_flat()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, LegacyErrorEnvelope = true });
        using var client = SimHttp.CreateClient(server);

        using var response = await client.PostAsync("/v1/chat/completions", SimHttp.Json("""{"model":"nope","messages":[]}"""));

        Assert.Equal(
            """{"object":"error","message":"The model `nope` does not exist.","type":"NotFoundError","param":null,"code":404}""",
            await response.Content.ReadAsStringAsync());
    }
}
