using System.Buffers;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Relay;
using Gateway.Streams.Sse;

namespace Gateway.Bench;

/// <summary>
/// Bench-only prototype of the relay the design asks for: one Akka graph materialized once and reused by every stream,
/// events batched per read. Each upstream read of any stream is one element: the graph frames it with that stream's
/// parser, writes its events to that stream's client (the last one flushes) and completes the read, and only then does
/// the stream's reader read again (backpressure per stream, every event out in the read cycle it arrived in). Measured
/// beside the direct loop and the per-stream graph in <see cref="RelayBench"/>; not used by the gateway.
/// </summary>
internal sealed class SharedRelayPrototype
{
    private const int ReadSize = 16 * 1024;
    private readonly ISourceQueueWithComplete<RelayRead> _queue;

    public SharedRelayPrototype(IMaterializer materializer, int parallelism) =>
        _queue = Source.Queue<RelayRead>(parallelism * 2, OverflowStrategy.Backpressure)
            .Select(Frame)
            .SelectAsyncUnordered(parallelism, WriteAsync)
            .To(Sink.ForEach<RelayRead>(read => read.Written.TrySetResult(read.SawDone)))
            .Run(materializer);

    /// <summary>Relays one stream through the shared graph; completes after <c>[DONE]</c> or the end of the body.</summary>
    public async Task RelayAsync(Stream body, RelayEventWriter writer)
    {
        var state = new StreamState(writer);
        while (true)
        {
            await body.ReadAsync(Memory<byte>.Empty).ConfigureAwait(false);
            var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
            try
            {
                var count = await body.ReadAsync(buffer.AsMemory(0, ReadSize)).ConfigureAwait(false);
                if (count == 0)
                {
                    return;
                }

                var read = new RelayRead(state, buffer.AsMemory(0, count));
                if (await _queue.OfferAsync(read).ConfigureAwait(false) is not QueueOfferResult.Enqueued)
                {
                    throw new InvalidOperationException("the shared relay refused a read");
                }

                if (await read.Written.Task.ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The framing step: the read's events, parsed with its stream's own parser.</summary>
    private static RelayRead Frame(RelayRead read)
    {
        var events = read.Stream.Events;
        events.Clear();
        read.Stream.Parser.Feed(read.Chunk, events);
        return read;
    }

    /// <summary>The writing step: each event to the stream's client, the last one of the read flushing.</summary>
    private static async Task<RelayRead> WriteAsync(RelayRead read)
    {
        var events = read.Stream.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.IsDone)
            {
                await read.Stream.Writer.WriteAsync(e).ConfigureAwait(false);
                read.SawDone = true;
                break;
            }

            await read.Stream.Writer.WriteAsync(i < events.Count - 1 ? e with { MoreFollows = true } : e).ConfigureAwait(false);
        }

        return read;
    }

    private sealed class StreamState(RelayEventWriter writer)
    {
        public SseEventParser Parser { get; } = new();

        public List<SseEvent> Events { get; } = [];

        public RelayEventWriter Writer => writer;
    }

    private sealed class RelayRead(StreamState stream, ReadOnlyMemory<byte> chunk)
    {
        public StreamState Stream => stream;

        public ReadOnlyMemory<byte> Chunk => chunk;

        public bool SawDone { get; set; }

        public TaskCompletionSource<bool> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
