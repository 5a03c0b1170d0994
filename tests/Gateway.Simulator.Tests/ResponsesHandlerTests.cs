using System.Net;

namespace Gateway.Simulator.Tests;

/// <summary>/v1/responses: the simple non-streaming form vLLM serves.</summary>
public sealed class ResponsesHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task A_string_input_gets_a_response_object_with_output_text_and_usage()
    {
        var (response, body) = await SimHttp.PostJsonAsync(
            fixture.Client, "/v1/responses", """{"model":"sim-model","input":"Hello","vllm_sim":{"output":"Hi there"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("resp_", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal("sim-model", body.GetProperty("model").GetString());
        var message = body.GetProperty("output")[0];
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        var text = message.GetProperty("content")[0];
        Assert.Equal("output_text", text.GetProperty("type").GetString());
        Assert.Equal("Hi there", text.GetProperty("text").GetString());
        var usage = body.GetProperty("usage");
        Assert.True(usage.GetProperty("input_tokens").GetInt32() > 0);
        Assert.Equal(4, usage.GetProperty("output_tokens").GetInt32()); // "Hi", " the", "re", EOS
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + 4, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task A_message_list_and_max_output_tokens_are_honoured()
    {
        var (_, body) = await SimHttp.PostJsonAsync(fixture.Client, "/v1/responses", """
            {"instructions":"be brief","max_output_tokens":5,
             "input":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"output_text","text":"Hello"}]},{"role":"user","content":[{"type":"input_text","text":"More"}]}]}
            """);

        Assert.Equal(5, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal(5, body.GetProperty("max_output_tokens").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Unknown_model_missing_input_and_streaming_get_vllm_errors()
    {
        var (missing, notFound) = await SimHttp.PostJsonAsync(fixture.Client, "/v1/responses", """{"model":"nope","input":"x"}""");
        var (noInput, required) = await SimHttp.PostJsonAsync(fixture.Client, "/v1/responses", """{"model":"sim-model"}""");
        var (streaming, refused) = await SimHttp.PostJsonAsync(fixture.Client, "/v1/responses", """{"input":"x","stream":true}""");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("The model `nope` does not exist.", notFound.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, noInput.StatusCode);
        Assert.Contains("'input'", required.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, streaming.StatusCode);
        Assert.Equal("BadRequestError", refused.GetProperty("error").GetProperty("type").GetString());
    }
}
