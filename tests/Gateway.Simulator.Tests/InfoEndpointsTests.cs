using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class InfoEndpointsTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Health_is_200_with_an_empty_body()
    {
        using var response = await _client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Empty(response.Headers.Server);
    }

    [Fact]
    public async Task Version_reports_a_vllm_version()
    {
        var body = JsonDocument.Parse(await _client.GetStringAsync("/version")).RootElement;

        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Unknown_route_is_404_with_fastapi_detail()
    {
        using var response = await _client.GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"detail":"Not Found"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_method_is_405_with_fastapi_detail()
    {
        using var response = await _client.GetAsync("/v1/chat/completions");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("""{"detail":"Method Not Allowed"}""", await response.Content.ReadAsStringAsync());
    }
}
