using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class CompletionsHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Plain_completion_has_vllm_shape()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/completions", """
            {"model":"second-model","prompt":"The capital of France","vllm_sim":{"output":" is Paris."}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["id", "object", "created", "model", "choices", "usage", "kv_transfer_params"], body.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("second-model", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(
            ["index", "text", "logprobs", "finish_reason", "stop_reason", "prompt_logprobs"],
            choice.EnumerateObject().Select(p => p.Name));
        Assert.Equal(" is Paris.", choice.GetProperty("text").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Streaming_completion_has_no_role_chunk_and_ends_with_done()
    {
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/completions", """
            {"prompt":"Once upon","stream":true,"max_tokens":3,"stream_options":{"include_usage":true}}
            """);

        var chunks = sse.Chunks;
        Assert.Equal("[DONE]", sse.Events[^1]);
        Assert.Equal(4, chunks.Count); // 3 tokens (last one carries finish_reason) + usage
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.All(chunks.Take(3), c => Assert.False(c.GetProperty("choices")[0].TryGetProperty("delta", out _)));
        Assert.Equal("length", chunks[2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, chunks[3].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(3, sse.Content.Split(' ').Length);
    }

    [Fact]
    public async Task Several_prompts_give_one_choice_each()
    {
        var (_, body) = await SimHttp.PostJsonAsync(_client, "/v1/completions", """{"prompt":["a","b"],"max_tokens":2}""");

        Assert.Equal([0, 1], body.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Suffix_is_rejected_like_vllm()
    {
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/completions", """{"prompt":"a","suffix":"b"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequestError", body.GetProperty("error").GetProperty("type").GetString());
    }
}
