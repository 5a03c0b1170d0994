using Gateway.Deploy.Tests.Support;
using Gateway.Healthcheck;

namespace Gateway.Deploy.Tests;

/// <summary>The container HEALTHCHECK probe (deploy/healthcheck): exit 0 only for a 2xx answer.</summary>
public sealed class HealthcheckProbeTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public async Task A_2xx_answer_is_healthy()
    {
        await using var server = await LoopbackServer.JsonAsync("""{"status":"ok"}""");
        using var error = new StringWriter();
        Assert.Equal(Probe.Healthy, await Probe.RunAsync([new Uri(server.BaseUrl, "/health").ToString()], Env(), error));
        Assert.Equal(("GET /health", ""), Assert.Single(server.Requests));
    }

    [Fact]
    public async Task An_error_status_is_unhealthy()
    {
        await using var server = await LoopbackServer.JsonAsync("""{"status":"unhealthy"}""", 503);
        using var error = new StringWriter();
        Assert.Equal(Probe.Unhealthy, await Probe.RunAsync([new Uri(server.BaseUrl, "/health").ToString()], Env(), error));
        Assert.Contains("answered 503", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_listening_is_unhealthy()
    {
        using var error = new StringWriter();
        var url = $"http://127.0.0.1:{LoopbackServer.ClosedPort()}/health";
        Assert.Equal(Probe.Unhealthy, await Probe.RunAsync([url], Env(), error));
        Assert.Contains("failed", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_url_it_probes_the_gateway_port_from_SERVER_PORT()
    {
        await using var server = await LoopbackServer.JsonAsync("""{"status":"ok"}""");
        using var error = new StringWriter();
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Probe.Healthy, await Probe.RunAsync([], Env(("SERVER_PORT", port)), error));
        Assert.Equal(new Uri("http://127.0.0.1:8000/health"), Probe.DefaultUrl(Env()));
        Assert.Equal(new Uri("http://127.0.0.1:8000/health"), Probe.DefaultUrl(Env(("SERVER_PORT", "nope"))));
    }

    [Theory]
    [InlineData("ftp://x/health")]
    [InlineData("not a url")]
    public async Task A_bad_argument_is_a_usage_error(string arg)
    {
        using var error = new StringWriter();
        Assert.Equal(2, await Probe.RunAsync([arg], Env(), error));
    }
}
