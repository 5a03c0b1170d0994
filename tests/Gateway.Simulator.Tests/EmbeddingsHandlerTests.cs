using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class EmbeddingsHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Embeddings_are_deterministic_unit_vectors_in_vllm_shape()
    {
        const string request = """{"model":"sim-model","input":["hello","world","hello"]}""";
        var (response, body) = await SimHttp.PostJsonAsync(_client, "/v1/embeddings", request);
        var (_, again) = await SimHttp.PostJsonAsync(_client, "/v1/embeddings", request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("embd-", body.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var data = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(3, data.Count);
        Assert.Equal("embedding", data[0].GetProperty("object").GetString());
        var vectors = data.Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
        Assert.All(vectors, v => Assert.Equal(16, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => x * x)), 4));
        Assert.Equal(vectors[0], vectors[2]);
        Assert.NotEqual(vectors[0], vectors[1]);
        Assert.Equal(body.GetProperty("data").GetRawText(), again.GetProperty("data").GetRawText());
        var usage = body.GetProperty("usage");
        Assert.Equal(0, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task String_input_with_dimensions_and_base64_encoding()
    {
        var (_, body) = await SimHttp.PostJsonAsync(_client, "/v1/embeddings", """{"input":"hello","dimensions":8,"encoding_format":"base64"}""");

        var bytes = Convert.FromBase64String(body.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        Assert.Equal(8 * sizeof(float), bytes.Length);
    }

    [Fact]
    public async Task Missing_input_is_400()
    {
        var (response, _) = await SimHttp.PostJsonAsync(_client, "/v1/embeddings", """{"model":"sim-model"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
