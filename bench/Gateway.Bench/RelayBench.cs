using System.Diagnostics;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Sse;

namespace Gateway.Bench;

/// <summary>
/// CPU per relayed SSE stream (16 events + [DONE]) from an in-memory upstream to a discarding client, on both relay
/// paths: the direct loop (no transform) and the per-stream graph (a pass-through transform forces it).
/// </summary>
internal static class RelayBench
{
    public static async Task RunAsync(int streams, int concurrency)
    {
        using var system = ActorSystem.Create("relay-bench", "akka.loglevel = WARNING");
        var materializer = system.Materializer();
        var body = new StringBuilder();
        for (var i = 0; i < 16; i++)
        {
            body.Append("data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }

        body.Append("data: [DONE]\n\n");
        var bytes = Encoding.UTF8.GetBytes(body.ToString());
        var endpoint = new UpstreamEndpoint(new Uri("http://in-memory/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
        var client = new DiscardingClient();
        var passThrough = new ResponseTransform(b => b, () => Flow.Create<SseEvent>());

        Console.WriteLine($"SSE relay, {streams:N0} streams of 16 events + [DONE], {concurrency} concurrent, in-memory upstream, discarding client");
        Console.WriteLine();
        Console.WriteLine("| Relay path | Streams/s | CPU µs/stream | CPU µs/event |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, transform) in new[] { ("direct loop (no transform)", (ResponseTransform?)null), ("per-stream graph (pass-through transform)", passThrough) })
        {
            async Task RelayOne()
            {
                var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
                using var response = new UpstreamResponse(message, new RequestDeadline(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None), endpoint, () => { });
                await StreamingRelay.RunAsync(response, transform, client, materializer);
            }

            for (var i = 0; i < 2000; i++)
            {
                await RelayOne();
            }

            GC.Collect();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var remaining = streams;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    await RelayOne();
                }
            }));
            clock.Stop();
            process.Refresh();
            var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / streams;
            Console.WriteLine($"| {name} | {streams / clock.Elapsed.TotalSeconds:N0} | {cpu:0.0} | {cpu / 17:0.00} |");
        }
    }

    private sealed class DiscardingClient : IClientResponseWriter
    {
        public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
