using System.Net;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Integration;

public sealed class DisconnectTests
{
    private static async Task WaitForAbortAsync(SimulatorServer simulator)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (simulator.Stats.AbortedByClient == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the upstream never saw the client's disconnect");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task A_client_leaving_mid_stream_aborts_the_upstream_generation()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await gateway.WaitUntilReadyAsync();
        var response = await gateway.Client.SendAsync(
            gateway.Post("/v1/chat/completions", """{"model":"test-model","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"itl_ms":50}}"""),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        Assert.True(await stream.ReadAsync(new byte[256]) > 0);

        response.Dispose();

        await WaitForAbortAsync(gateway.Simulator!);
        Assert.Equal(0, gateway.Simulator!.Stats.Completed);
    }

    [Fact]
    public async Task A_client_leaving_before_the_upstream_answers_aborts_the_upstream_request()
    {
        await using var gateway = await RunningGateway.StartAsync();
        await gateway.WaitUntilReadyAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gateway.Client.SendAsync(
            gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"hang_ms":10000}}"""),
            cts.Token));

        await WaitForAbortAsync(gateway.Simulator!);
    }
}
