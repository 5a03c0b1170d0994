using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Gateway.Actors.Routing;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gateway.Host.Tests.Integration;

/// <summary>
/// The fair queue over real sockets: a model with 2 in-flight slots whose requests take ~400 ms at the simulator. One
/// key keeps 10× the capacity queued; another sends one request a second. With the FIFO queue the second key's requests
/// would wait behind the whole backlog (~10 services, ~4 s); with the fair queue each waits at most about one slot's
/// service time. The light key must take less than half as long as the flooding key, whose requests wait behind the
/// backlog as everyone would with FIFO; measured against each other, a loaded machine slows both alike. (The token-fair
/// scenario with 10× longer prompts is measured exactly on a fake clock in the fair queue's own spec.)
/// </summary>
public sealed class FairQueueingTests(ITestOutputHelper output)
{
    private const int Slots = 2;
    private const int ServiceMs = 400;
    private static readonly string Body =
        $$$"""{"model":"test-model","max_tokens":1,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"ttft_ms":{{{ServiceMs}}}}}""";

    private static int Queued(RunningGateway gateway) =>
        gateway.App.Services.GetRequiredService<GatewayRuntime>().Models.Current.TryGet("test-model", out var model) ? model!.Queued : 0;

    [Fact]
    public async Task A_light_key_waits_about_one_slot_while_another_key_keeps_ten_times_the_capacity_queued()
    {
        await using var gateway = await RunningGateway.StartAsync(s =>
        {
            s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-flood", Name = "flood" });
            s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-light", Name = "light" });
            s.Models[0].MaxInFlight = Slots;
            s.Models[0].MaxQueue = 64;
            s.Models[0].MaxQueuePerKey = 32;
        });
        await gateway.WaitUntilReadyAsync();

        using var stop = new CancellationTokenSource();
        var floodLatencies = new ConcurrentQueue<double>();
        var measuring = false;
        var flood = Enumerable.Range(0, (10 * Slots) + Slots).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                var measured = Volatile.Read(ref measuring);
                using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Body, "sk-flood"), CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                if (measured)
                {
                    floodLatencies.Enqueue(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }
        }).ToList();
        await Eventually.TrueAsync(() => Queued(gateway) >= 10 * Slots, "the flood keeps ten times the capacity queued");

        Volatile.Write(ref measuring, true);
        var latencies = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await gateway.Client.SendAsync(gateway.Post("/v1/chat/completions", Body, "sk-light"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Assert.True(Queued(gateway) >= 5 * Slots, "the flood still has a backlog");
            await Task.Delay(TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(Math.Min(900, latencies[^1])));
        }

        await stop.CancelAsync();
        await Task.WhenAll(flood);
        latencies.Sort();
        var waits = latencies.Select(l => Math.Max(0, l - ServiceMs)).ToList();
        var floodMedian = floodLatencies.Order().ElementAt(floodLatencies.Count / 2);
        output.WriteLine($"light key: 6 requests, latency p50 {latencies[3]:0} ms, max (p99) {latencies[^1]:0} ms; queue wait ≈ latency − {ServiceMs} ms service: max {waits[^1]:0} ms; " +
            $"one slot's service time {ServiceMs} ms; the flooding key's requests took {floodMedian:0} ms (median of {floodLatencies.Count}), which is what FIFO would give everyone");

        // Measured against the flood's own latency, so a slow machine slows both sides alike.
        Assert.True(latencies[^1] < floodMedian / 2, $"the light key took up to {latencies[^1]:0} ms, the flooding key {floodMedian:0} ms");
    }
}
