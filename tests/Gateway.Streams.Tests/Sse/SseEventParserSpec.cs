using System.Text;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Tests.Sse;

public class SseEventParserSpec
{
    private const string Stream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"héllo 世界 🎉\"}}]}\n\n" +
        ": keep-alive comment\n\n" +
        "event: message\nid: 7\ndata: {\"a\":1}\n\n" +
        "data: line one\ndata: line two\n\n" +
        "data: [DONE]\n\n";

    private static readonly string[] Expected =
    [
        "{\"choices\":[{\"delta\":{\"content\":\"héllo 世界 🎉\"}}]}",
        "{\"a\":1}",
        "line one\nline two",
        "[DONE]",
    ];

    private static List<string> Parse(IEnumerable<byte[]> chunks)
    {
        var parser = new SseEventParser();
        var events = new List<SseEvent>();
        foreach (var chunk in chunks)
        {
            parser.Feed(new ReadOnlyMemory<byte>(chunk), events);
        }

        return events.Select(e => Encoding.UTF8.GetString(e.Data.Span)).ToList();
    }

    [Fact]
    public void Parses_a_whole_stream_in_one_chunk()
    {
        Assert.Equal(Expected, Parse([Encoding.UTF8.GetBytes(Stream)]));
    }

    [Fact]
    public void Gives_the_same_events_when_split_at_every_byte_boundary()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(Expected, Parse([bytes[..split], bytes[split..]]));
        }
    }

    [Fact]
    public void Gives_the_same_events_when_fed_one_byte_at_a_time()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        Assert.Equal(Expected, Parse(bytes.Select(b => new[] { b })));
    }

    [Fact]
    public void Keeps_multi_byte_characters_split_across_chunks_intact()
    {
        var bytes = Encoding.UTF8.GetBytes("data: 🎉世\n\n");
        // Split inside the 4-byte emoji and inside the 3-byte CJK character.
        var events = Parse([bytes[..8], bytes[8..11], bytes[11..]]);
        Assert.Equal(["🎉世"], events);
    }

    [Theory]
    [InlineData("data: x\r\n\r\ndata: y\r\n\r\n")]
    [InlineData("data: x\r\rdata: y\r\r")]
    [InlineData("data:x\n\ndata:y\n\n")]
    public void Accepts_every_line_ending(string stream)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(["x", "y"], Parse([bytes[..split], bytes[split..]]));
        }
    }

    [Fact]
    public void Does_not_dispatch_an_event_that_never_ended()
    {
        var parser = new SseEventParser();
        var events = new List<SseEvent>();
        parser.Feed("data: {\"partial\":"u8, events);
        Assert.Empty(events);
        Assert.True(parser.HasPartialEvent);
    }

    [Fact]
    public void Refuses_an_event_larger_than_the_limit()
    {
        var parser = new SseEventParser(maxEventBytes: 16);
        Assert.Throws<SseProtocolException>(() => parser.Feed("data: 0123456789abcdefghij\n\n"u8, []));
    }

    [Fact]
    public void Recognises_done_and_in_band_error_events()
    {
        Assert.True(new SseEvent("[DONE]"u8.ToArray()).IsDone);
        Assert.True(new SseEvent("{\"error\": {\"message\":\"x\"}}"u8.ToArray()).IsError);
        Assert.True(new SseEvent("{ \"error\":{}}"u8.ToArray()).IsError);
        Assert.False(new SseEvent("{\"choices\":[],\"error\":1}"u8.ToArray()).IsError);
        Assert.False(new SseEvent("{\"id\":\"x\"}"u8.ToArray()).IsDone);
    }

    [Fact]
    public void Frames_events_the_way_vllm_does()
    {
        Assert.Equal("data: {\"a\":1}\n\n", Encoding.UTF8.GetString(SseFraming.Frame("{\"a\":1}"u8)));
    }

    [Fact]
    public void Hands_out_an_event_whole_in_one_chunk_as_a_slice_of_it_and_copies_a_split_one()
    {
        var parser = new SseEventParser();
        var events = new List<SseEvent>();
        var first = Encoding.UTF8.GetBytes("data: {\"a\":1}\n\ndata: {\"b\"");
        var second = Encoding.UTF8.GetBytes(":2}\n\n");

        parser.Feed(new ReadOnlyMemory<byte>(first), events);
        parser.Feed(new ReadOnlyMemory<byte>(second), events);

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(events[0].Data, out var whole));
        Assert.Same(first, whole.Array);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(events[1].Data, out var split));
        Assert.NotSame(first, split.Array);
        Assert.NotSame(second, split.Array);
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(events[1].Data.Span));
    }

    [Fact]
    public void Rejects_an_oversized_event_that_lies_whole_in_one_chunk()
    {
        var parser = new SseEventParser(maxEventBytes: 16);
        Assert.Throws<SseProtocolException>(() => parser.Feed(new ReadOnlyMemory<byte>("data: 0123456789abcdefghij\n\n"u8.ToArray()), []));
    }

    [Fact]
    public void Keeps_an_event_whose_blank_line_comes_in_the_next_read_even_when_the_read_buffer_is_reused()
    {
        // The direct relay reads every chunk into the same pooled buffer: nothing of a chunk may be kept by reference.
        var parser = new SseEventParser();
        var buffer = new byte[64];
        var events = new List<string>();
        foreach (var chunk in new[] { "data: {\"a\":1}\n", "\ndata: {\"b\":2}\n", "\n", "data: [DONE]\n\n" })
        {
            Array.Clear(buffer);
            var length = Encoding.UTF8.GetBytes(chunk, buffer);
            parser.Feed(buffer.AsMemory(0, length));
            while (parser.TryRead(out var e))
            {
                events.Add(Encoding.UTF8.GetString(e.Data.Span));
            }
        }

        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "[DONE]"], events);
    }

    [Fact]
    public void Hands_out_the_events_of_a_chunk_one_at_a_time_as_slices_and_asks_for_them_to_be_read_out_first()
    {
        var parser = new SseEventParser();
        var chunk = Encoding.UTF8.GetBytes("data: {\"a\":1}\n\n: comment\n\ndata: {\"b\":2}\n\ndata: {\"c\"");

        parser.Feed(chunk);
        Assert.True(parser.TryRead(out var a));
        Assert.Throws<InvalidOperationException>(() => parser.Feed(chunk));
        Assert.True(parser.TryRead(out var b));
        Assert.False(parser.TryRead(out _));
        Assert.True(parser.HasPartialEvent);

        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(a.Data.Span));
        Assert.Equal("{\"b\":2}", Encoding.UTF8.GetString(b.Data.Span));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(b.Data, out var slice));
        Assert.Same(chunk, slice.Array);
    }

    /// <summary>
    /// Parses as the direct relay does: one reused read buffer, each chunk's events read out and used (copied here, as
    /// a write would) before the next chunk is fed.
    /// </summary>
    private static List<string> ParseAsTheRelayDoes(IEnumerable<byte[]> chunks, bool eventsEndWithChunk)
    {
        using var parser = new SseEventParser(eventsEndWithChunk: eventsEndWithChunk);
        var buffer = new byte[Encoding.UTF8.GetByteCount(Stream)];
        var events = new List<string>();
        foreach (var chunk in chunks)
        {
            Array.Fill(buffer, (byte)'#');
            chunk.CopyTo(buffer, 0);
            parser.Feed(buffer.AsMemory(0, chunk.Length));
            var read = new List<SseEvent>();
            while (parser.TryRead(out var e))
            {
                read.Add(e);
            }

            events.AddRange(read.Select(e => Encoding.UTF8.GetString(e.Data.Span))); // all of them valid until the next chunk
        }

        return events;
    }

    [Fact]
    public void Events_handed_out_until_the_next_chunk_are_the_same_events_for_every_split()
    {
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var size = 1; size <= bytes.Length; size++)
        {
            var chunks = bytes.Chunk(size).ToList();
            Assert.Equal(Expected, ParseAsTheRelayDoes(chunks, eventsEndWithChunk: true));
            Assert.Equal(Expected, ParseAsTheRelayDoes(chunks, eventsEndWithChunk: false));
        }

        for (var split = 1; split < bytes.Length; split++)
        {
            Assert.Equal(Expected, ParseAsTheRelayDoes([bytes[..split], bytes[split..]], eventsEndWithChunk: true));
        }
    }

    [Fact]
    public void An_event_completed_from_kept_bytes_is_handed_out_without_a_copy_only_when_it_ends_with_the_chunk()
    {
        var first = Encoding.UTF8.GetBytes("data: {\"a\":");
        var second = Encoding.UTF8.GetBytes("1}\n\ndata: x\ndata: y\n\n");

        using var reusing = new SseEventParser(eventsEndWithChunk: true);
        reusing.Feed(first);
        Assert.False(reusing.TryRead(out _));
        reusing.Feed(second);
        Assert.True(reusing.TryRead(out var carried));
        Assert.True(reusing.TryRead(out var twoLines)); // a second kept event in the same chunk: a copy of its own
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(carried.Data.Span));
        Assert.Equal("x\ny", Encoding.UTF8.GetString(twoLines.Data.Span));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(carried.Data, out var kept));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(twoLines.Data, out var copy));
        Assert.Equal(0, copy.Offset);
        Assert.Equal(copy.Count, copy.Array!.Length); // an exact copy
        Assert.NotEqual(kept.Count, kept.Array!.Length); // the parser's pooled buffer

        using var copying = new SseEventParser();
        copying.Feed(first);
        Assert.False(copying.TryRead(out _));
        copying.Feed(second);
        Assert.True(copying.TryRead(out var copied));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(copied.Data, out var exact));
        Assert.Equal(exact.Count, exact.Array!.Length);
    }
}
