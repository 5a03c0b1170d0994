using System.Net;

namespace Gateway.Simulator.Tests;

public sealed class SimulatorServerTests
{
    [Fact]
    public async Task Port_zero_binds_a_free_port_and_base_url_points_at_it()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        Assert.NotEqual(0, server.Port);
        Assert.Equal(server.Port, server.BaseUrl.Port);
        Assert.Equal("127.0.0.1", server.BaseUrl.Host);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task Stopped_server_refuses_connections()
    {
        var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });
        using var client = SimHttp.CreateClient(server);

        await server.StopAsync();
        await server.DisposeAsync();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/health"));
    }

    [Fact]
    public async Task Invalid_options_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = [] }));
        await Assert.ThrowsAsync<ArgumentException>(() => SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Host = "not-an-ip" }));
    }

    [Fact]
    public async Task Api_key_guards_v1_routes_only()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, ApiKeys = ["secret"] });
        using var client = SimHttp.CreateClient(server);

        using var denied = await client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("""{"error":"Unauthorized"}""", await denied.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer secret");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Auto_tool_choice_is_accepted_when_enabled()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, EnableAutoToolChoice = true });
        using var client = SimHttp.CreateClient(server);

        using var response = await client.PostAsync("/v1/chat/completions", SimHttp.Json("""
            {"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"vllm_sim":{"output":"raw"}}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
