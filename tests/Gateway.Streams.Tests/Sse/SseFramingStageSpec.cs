using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Tests.Sse;

public class SseFramingStageSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task SseFramingStage_should_emit_whole_events_from_arbitrary_chunks()
    {
        var bytes = Encoding.UTF8.GetBytes("data: {\"x\":\"é\"}\n\ndata: second\n\ndata: [DONE]\n\n");
        var random = new Random(42);
        for (var run = 0; run < 20; run++)
        {
            var chunks = new List<ReadOnlyMemory<byte>>();
            var at = 0;
            while (at < bytes.Length)
            {
                var size = Math.Min(bytes.Length - at, random.Next(1, 7));
                chunks.Add(bytes.AsMemory(at, size));
                at += size;
            }

            var events = await Source.From(chunks).Via(new SseFramingStage()).RunWith(Sink.Seq<SseEvent>(), Sys.Materializer());
            Assert.Equal(["{\"x\":\"é\"}", "second", "[DONE]"], events.Select(e => Encoding.UTF8.GetString(e.Data.Span)));
        }
    }

    [Fact]
    public async Task SseFramingStage_should_emit_several_events_from_one_chunk_only_on_demand()
    {
        var chunk = Encoding.UTF8.GetBytes("data: 1\n\ndata: 2\n\ndata: 3\n\n");
        var first = await Source.Single<ReadOnlyMemory<byte>>(chunk).Via(new SseFramingStage()).RunWith(Sink.First<SseEvent>(), Sys.Materializer());
        Assert.Equal("1", Encoding.UTF8.GetString(first.Data.Span));

        var all = await Source.Single<ReadOnlyMemory<byte>>(chunk).Via(new SseFramingStage()).RunWith(Sink.Seq<SseEvent>(), Sys.Materializer());
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task SseFramingStage_should_complete_without_the_unfinished_tail()
    {
        var events = await Source.From(new ReadOnlyMemory<byte>[] { "data: 1\n\ndata: trunc"u8.ToArray() })
            .Via(new SseFramingStage())
            .RunWith(Sink.Seq<SseEvent>(), Sys.Materializer());
        Assert.Single(events);
    }

    [Fact]
    public async Task SseFramingStage_should_end_the_stream_at_done_and_ignore_what_follows()
    {
        var chunks = new ReadOnlyMemory<byte>[] { "data: 1\n\ndata: [DONE]\n\ndata: late\n\n"u8.ToArray(), "data: later\n\n"u8.ToArray() };

        var events = await Source.From(chunks).Via(new SseFramingStage()).RunWith(Sink.Seq<SseEvent>(), Sys.Materializer());

        Assert.Equal(["1", "[DONE]"], events.Select(e => Encoding.UTF8.GetString(e.Data.Span)));
    }
}
