using System.Diagnostics;
using System.Text.Json;
using System.Text;
using Akka.Actor;
using Akka.Streams.Dsl;
using Akka.Streams;
using Akka;
using Gateway.Streams.Breaker;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Bench;

/// <summary>
/// CPU per request of the admission path (throttle → breaker → tool-call stage → dispatch) against an in-memory
/// upstream: as an element of the long-lived pipeline (the design) versus a graph materialized per request.
/// </summary>
internal static class PipelineBench
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");

    public static async Task RunAsync(int requests, int concurrency)
    {
        using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        var materializer = system.Materializer();
        var route = new ModelRoute
        {
            ModelId = "m",
            UpstreamModel = "m",
            Endpoints = [new UpstreamEndpoint(new Uri("http://in-memory/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
            MaxInFlight = 256,
            MaxQueue = 4096,
        };
        var dispatcher = new VllmDispatcher(new HttpClient(new InMemoryUpstream()), TimeSpan.FromSeconds(30));
        using var json = JsonDocument.Parse(Body);
        var root = json.RootElement;

        var pipeline = ModelPipeline.Materialize(route, dispatcher, materializer);
        var admission = ModelPipeline.Admission(route);

        async Task Element(ProxyRequest request)
        {
            while (!pipeline.TryEnqueue(request))
            {
                await Task.Yield();
            }

            await Complete(request);
        }

        async Task PerRequest(ProxyRequest request)
        {
            _ = Source.Single(request).Via(admission).SelectAsync(1, dispatcher.DispatchAsync).RunWith(Sink.Ignore<Done>(), materializer);
            await Complete(request);
        }

        async Task Direct(ProxyRequest request)
        {
            request.Endpoint = route.Endpoints[0];
            request.UpstreamBody = request.Body;
            _ = dispatcher.DispatchAsync(request);
            await Complete(request);
        }

        ProxyRequest NewRequest() => new()
        {
            ModelId = "m",
            Path = "/v1/chat/completions",
            Body = Body,
            Json = root,
            RateLimitKey = "bench",
            RequestId = "bench",
        };

        var rows = new List<(string Name, Result Result)>();
        foreach (var (name, run) in new (string, Func<ProxyRequest, Task>)[]
        {
            ("no stream: dispatcher called directly (baseline)", Direct),
            ("element through the pre-materialized pipeline", Element),
            ("graph materialized per request", PerRequest),
        })
        {
            await MeasureAsync(run, NewRequest, requests / 10, concurrency); // warm-up
            rows.Add((name, await MeasureAsync(run, NewRequest, requests, concurrency)));
        }

        Console.WriteLine($"Admission path, {requests:N0} requests, {concurrency} concurrent callers, in-memory upstream, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Path | req/s | CPU µs/request | over baseline |");
        Console.WriteLine("|---|---:|---:|---:|");
        var baseline = rows[0].Result.CpuMicrosPerRequest;
        foreach (var (name, result) in rows)
        {
            Console.WriteLine($"| {name} | {result.RequestsPerSecond:N0} | {result.CpuMicrosPerRequest:0.0} | {result.CpuMicrosPerRequest - baseline:+0.0;-0.0;0.0} |");
        }
    }

    private static async Task Complete(ProxyRequest request)
    {
        var outcome = await request.Outcome;
        if (outcome is ProxyOutcome.Responded responded)
        {
            responded.Response.Dispose();
        }

        request.Release();
    }

    private static async Task<Result> MeasureAsync(Func<ProxyRequest, Task> run, Func<ProxyRequest> create, int requests, int concurrency)
    {
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var remaining = requests;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await run(create());
            }
        }));
        clock.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        return new Result(requests / clock.Elapsed.TotalSeconds, cpu.TotalMicroseconds / requests);
    }

    private sealed record Result(double RequestsPerSecond, double CpuMicrosPerRequest);
}
