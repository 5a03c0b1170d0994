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
        await RunAsync(streams, concurrency, eventPerRead: false);
        Console.WriteLine();
        await RunAsync(streams, concurrency, eventPerRead: true);
    }

    /// <param name="eventPerRead">
    /// Each event arrives in its own read (as from vLLM at real token rates), instead of the whole stream in one read.
    /// </param>
    private static async Task RunAsync(int streams, int concurrency, bool eventPerRead)
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

        Console.WriteLine($"SSE relay, {streams:N0} streams of 16 events + [DONE], {concurrency} concurrent, in-memory upstream, discarding client, "
            + (eventPerRead ? "one event per upstream read" : "the whole stream in one upstream read"));
        Console.WriteLine();
        Console.WriteLine("| Relay path | Streams/s | CPU µs/stream | CPU µs/event |");
        Console.WriteLine("|---|---:|---:|---:|");
        var shared = new SharedRelayPrototype(materializer, concurrency);
        foreach (var (name, transform) in new[]
        {
            ("direct loop (no transform)", (ResponseTransform?)null),
            ("one graph materialized once, reused by every stream (prototype, events batched per read)", null),
            ("per-stream graph (pass-through transform)", passThrough),
        })
        {
            var useShared = name.StartsWith("one graph", StringComparison.Ordinal);
            async Task RelayOne()
            {
                HttpContent content = eventPerRead ? new StreamContent(new EventPerReadStream(bytes)) : new ByteArrayContent(bytes);
                var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
                using var response = new UpstreamResponse(message, new RequestDeadline(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None), endpoint, () => { });
                if (useShared)
                {
                    await using var body = await response.OpenBodyAsync(response.Token);
                    await shared.RelayAsync(body, new RelayEventWriter(client, stripUsageChunk: false, response.Token));
                    return;
                }

                await StreamingRelay.RunAsync(response, transform, client, materializer);
            }

            // Warm up past tiered JIT (its call-counting delay is wall time): at least 2,000 streams and 2 s.
            var warmUp = Stopwatch.StartNew();
            for (var i = 0; i < 2000 || warmUp.Elapsed < TimeSpan.FromSeconds(2); i++)
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

    /// <summary>An in-memory body that hands out one SSE event (up to its blank line) per read.</summary>
    private sealed class EventPerReadStream(byte[] body) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => body.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Next(buffer.Span));

        public override int Read(byte[] buffer, int offset, int count) => Next(buffer.AsSpan(offset, count));

        private int Next(Span<byte> buffer)
        {
            if (buffer.IsEmpty || _position == body.Length)
            {
                return 0;
            }

            var rest = body.AsSpan(_position);
            var end = rest.IndexOf("\n\n"u8);
            var count = Math.Min(buffer.Length, end < 0 ? rest.Length : end + 2);
            rest[..count].CopyTo(buffer);
            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
