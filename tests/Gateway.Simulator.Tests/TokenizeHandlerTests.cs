using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class TokenizeHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Tokenize_is_deterministic_and_matches_completion_prompt_tokens()
    {
        const string prompt = "Hello world, this is a prompt.";
        var (_, first) = await SimHttp.PostJsonAsync(_client, "/tokenize", SimHttp.Body(new { model = "sim-model", prompt }));
        var (_, second) = await SimHttp.PostJsonAsync(_client, "/tokenize", SimHttp.Body(new { prompt }));
        var (_, completion) = await SimHttp.PostJsonAsync(_client, "/v1/completions", SimHttp.Body(new { prompt, max_tokens = 1 }));

        Assert.Equal(["count", "max_model_len", "tokens", "token_strs"], first.EnumerateObject().Select(p => p.Name));
        var count = first.GetProperty("count").GetInt32();
        Assert.Equal(count, first.GetProperty("tokens").GetArrayLength());
        Assert.Equal(4096, first.GetProperty("max_model_len").GetInt32());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("token_strs").ValueKind);
        Assert.Equal(first.GetProperty("tokens").GetRawText(), second.GetProperty("tokens").GetRawText());
        Assert.Equal(count, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task Chat_form_count_matches_chat_prompt_tokens()
    {
        var messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "What is 2+2?" } };
        var (_, tokens) = await SimHttp.PostJsonAsync(_client, "/tokenize", SimHttp.Body(new { messages }));
        var (_, chat) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", SimHttp.Body(new { messages, max_tokens = 1 }));

        Assert.Equal(chat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), tokens.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Detokenize_round_trips_tokenize()
    {
        var (_, tokens) = await SimHttp.PostJsonAsync(_client, "/tokenize", """{"prompt":"héllo 世界 🎉 again","return_token_strs":true}""");
        var ids = tokens.GetProperty("tokens").GetRawText();
        var (_, text) = await SimHttp.PostJsonAsync(_client, "/detokenize", $$"""{"tokens":{{ids}}}""");

        Assert.Equal("<s>", tokens.GetProperty("token_strs")[0].GetString());
        Assert.Equal("héllo 世界 🎉 again", text.GetProperty("prompt").GetString());
    }
}
