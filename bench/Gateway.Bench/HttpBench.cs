using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Simulator;

namespace Gateway.Bench;

/// <summary>
/// End to end over loopback: the same load straight at the simulator, then through the gateway. Both run in
/// this process, so compare the ratio, not absolute figures (use wrk against a standalone gateway for those).
/// </summary>
internal static class HttpBench
{
    public static async Task RunAsync(TimeSpan duration, int concurrency)
    {
        await using var simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["bench-model"] });
        var settings = new GatewaySettings
        {
            Server = new ServerSettings { Host = "127.0.0.1", Port = 0 },
            RateLimit = new RateLimitSettings { RequestsPerMinute = int.MaxValue / 2 },
            Models = [new ModelSettings { Id = "bench-model", Upstreams = [simulator.BaseUrl.ToString()], MaxInFlight = 256, MaxQueue = 4096 }],
            LogLevel = "WARNING",
        };
        await using var gateway = await GatewayApp.CreateAsync(settings, new GatewayAppOptions { ConsoleLogging = false });
        await gateway.StartAsync();
        var gatewayUrl = GatewayApp.BoundAddress(gateway);

        const string plain = """{"model":"bench-model","messages":[{"role":"user","content":"hi"}],"max_tokens":16}""";
        const string stream = """{"model":"bench-model","stream":true,"messages":[{"role":"user","content":"hi"}],"max_tokens":16}""";
        var rows = new List<(string, Result)>();
        foreach (var (name, url, body) in new[]
        {
            ("direct to simulator, plain", simulator.BaseUrl, plain),
            ("through gateway, plain", gatewayUrl, plain),
            ("direct to simulator, stream (16 events)", simulator.BaseUrl, stream),
            ("through gateway, stream (16 events)", gatewayUrl, stream),
        })
        {
            await LoadAsync(url, body, TimeSpan.FromSeconds(2), concurrency); // warm-up
            rows.Add((name, await LoadAsync(url, body, duration, concurrency)));
        }

        Console.WriteLine($"Loopback HTTP/1.1, {concurrency} concurrent keep-alive clients, {duration.TotalSeconds:0} s per row, load generator + gateway + simulator in one process on {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Target | req/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, r) in rows)
        {
            Console.WriteLine($"| {name} | {r.RequestsPerSecond:N0} | {r.P50:0.00} | {r.P99:0.00} | {r.Errors} |");
        }
    }

    private static async Task<Result> LoadAsync(Uri baseUrl, string body, TimeSpan duration, int concurrency)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = concurrency }) { BaseAddress = baseUrl };
        var payload = Encoding.UTF8.GetBytes(body);
        var latencies = new List<double>[concurrency];
        var errors = 0;
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(100_000);
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(payload);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await client.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
                await response.Content.LoadIntoBufferAsync();
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], errors);
    }

    private sealed record Result(double RequestsPerSecond, double P50, double P99, int Errors);
}
