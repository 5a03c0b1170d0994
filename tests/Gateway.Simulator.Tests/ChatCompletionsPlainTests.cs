using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class ChatCompletionsPlainTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Plain_chat_has_vllm_shape_and_usage()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """
            {"model":"sim-model","messages":[{"role":"user","content":"Hi there"}],"vllm_sim":{"output":"Hello! How can I help?"}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.ToString());
        Assert.NotNull(response.Content.Headers.ContentLength);
        Assert.Equal(
            ["id", "object", "created", "model", "choices", "service_tier", "system_fingerprint", "usage", "prompt_logprobs", "kv_transfer_params"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("sim-model", body.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("system_fingerprint").ValueKind);
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("stop_reason").ValueKind);
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Hello! How can I help?", message.GetProperty("content").GetString());
        Assert.Equal(0, message.GetProperty("tool_calls").GetArrayLength());
        var usage = body.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details"], usage.EnumerateObject().Select(p => p.Name));
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.True(prompt > 0);
        Assert.Equal(8, completion); // "Hell" "o!" " How" " can" " I" " hel" "p?" + EOS
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Default_generator_emits_max_tokens_and_finishes_with_length()
    {
        const string request = """{"messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":5}""";

        var (_, first) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", request);
        var (_, second) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", request);

        var choice = first.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, first.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var text = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(5, text.Split(' ').Length);
        Assert.Equal(text, second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("sim-model", first.GetProperty("model").GetString()); // model omitted → first served name
    }

    [Fact]
    public async Task Max_completion_tokens_and_server_default_limit_output()
    {
        var (_, explicitLimit) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":3}""");
        var (_, serverDefault) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """{"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(3, explicitLimit.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(16, serverDefault.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Explicit_max_tokens_cuts_scripted_output_with_length()
    {
        var (_, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"max_tokens":2,"vllm_sim":{"output":"abcdefgh","chunk_chars":1}}
            """);

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("ab", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stop_string_ends_output_and_is_reported_as_stop_reason()
    {
        var (_, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"x"}],"stop":["###"],"vllm_sim":{"output":"first part###second part"}}
            """);

        var choice = body.GetProperty("choices")[0];
        Assert.Equal("first part", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("###", choice.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task X_request_id_header_becomes_the_response_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = SimHttp.Json("""{"messages":[{"role":"user","content":"x"}]}"""),
        };
        request.Headers.Add("X-Request-Id", "abc123");

        using var response = await _client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("chatcmpl-abc123", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unicode_output_round_trips_as_raw_utf8()
    {
        using var response = await _client.PostAsync("/v1/chat/completions", SimHttp.Json("""
            {"messages":[{"role":"user","content":"x"}],"vllm_sim":{"output":"héllo 世界 🎉 \"q\"\n\\"}}
            """));
        var raw = await response.Content.ReadAsStringAsync();
        var content = JsonDocument.Parse(raw).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        Assert.Equal("héllo 世界 🎉 \"q\"\n\\", content);
        Assert.Contains("héllo 世界 🎉", raw, StringComparison.Ordinal); // not \u-escaped, as pydantic writes it
    }

    [Fact]
    public async Task Tool_call_markup_is_returned_verbatim_as_content()
    {
        const string output = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";
        var (_, body) = await SimHttp.PostJsonAsync(_client, "/v1/chat/completions", SimHttp.Body(new
        {
            messages = new[] { new { role = "user", content = "weather?" } },
            tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { } } } },
            tool_choice = "none",
            vllm_sim = new { output },
        }));

        Assert.Equal(output, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
