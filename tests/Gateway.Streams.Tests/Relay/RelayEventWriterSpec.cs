using System.Text;
using Gateway.Streams.Relay;
using Gateway.Streams.Sse;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Relay;

public class RelayEventWriterSpec
{
    [Fact]
    public async Task Writes_an_event_that_lies_framed_in_its_read_buffer_as_those_bytes_in_one_write()
    {
        var read = Encoding.UTF8.GetBytes("data: {\"a\":1}\n\n");
        var client = new RecordingClientWriter();
        var writer = new RelayEventWriter(client, stripUsageChunk: false, CancellationToken.None);

        await writer.WriteAsync(new SseEvent(read.AsMemory(6, 7)));

        Assert.Equal("data: {\"a\":1}\n\n", client.Text);
        Assert.Equal(1, client.Writes);
        Assert.Equal(1, client.Flushes);
    }

    [Fact]
    public async Task Holds_adjacent_frames_of_one_read_for_one_write_that_goes_out_before_the_reads_flush()
    {
        var read = Encoding.UTF8.GetBytes("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: {\"c\":3}\n\n");
        var client = new RecordingClientWriter();
        var writer = new RelayEventWriter(client, stripUsageChunk: false, CancellationToken.None);

        await writer.WriteAsync(new SseEvent(read.AsMemory(6, 7), MoreFollows: true));
        await writer.WriteAsync(new SseEvent(read.AsMemory(21, 7), MoreFollows: true));
        Assert.True(writer.HasHeld);
        Assert.Equal(0, client.Writes);

        await writer.WriteAsync(new SseEvent(read.AsMemory(36, 7)));

        Assert.False(writer.HasHeld);
        Assert.Equal(Encoding.UTF8.GetString(read), client.Text);
        Assert.Equal(1, client.Writes);
        Assert.Equal(1, client.Flushes);
    }

    [Fact]
    public async Task A_dropped_usage_chunk_or_a_frame_elsewhere_ends_the_held_run_in_order()
    {
        var read = Encoding.UTF8.GetBytes("data: {\"a\":1}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\ndata: {\"b\":2}\n\n");
        var other = Encoding.UTF8.GetBytes("data: {\"c\":3}\n\n");
        var client = new RecordingClientWriter();
        var writer = new RelayEventWriter(client, stripUsageChunk: true, CancellationToken.None);
        var usageStart = 21;
        var usageLength = Encoding.UTF8.GetByteCount("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}");

        await writer.WriteAsync(new SseEvent(read.AsMemory(6, 7), MoreFollows: true));
        await writer.WriteAsync(new SseEvent(read.AsMemory(usageStart, usageLength), MoreFollows: true));
        await writer.WriteAsync(new SseEvent(read.AsMemory(usageStart + usageLength + 8, 7), MoreFollows: true));
        await writer.WriteAsync(new SseEvent(other.AsMemory(6, 7)));

        Assert.Equal("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: {\"c\":3}\n\n", client.Text);
        Assert.Equal(3, client.Writes); // the usage chunk between them and the other buffer break the run
        Assert.Equal(1, client.Flushes);
        Assert.Equal(new TokenUsage(3, 4), writer.Usage);
    }

    [Theory]
    [InlineData("data:{\"a\":1}\n\n", 5)] // no space after the colon
    [InlineData("data: {\"a\":1}\r\n\r\n", 6)] // CRLF line ends
    [InlineData("data: {\"a\":1}\nid: 7\n\n", 6)] // another field before the blank line
    [InlineData("data: {\"a\":1}\n", 6)] // the blank line is not in this buffer
    public async Task Frames_any_other_event_in_vllm_framing(string upstream, int payloadStart)
    {
        var read = Encoding.UTF8.GetBytes(upstream);
        var client = new RecordingClientWriter();
        var writer = new RelayEventWriter(client, stripUsageChunk: false, CancellationToken.None);

        await writer.WriteAsync(new SseEvent(read.AsMemory(payloadStart, 7)));

        Assert.Equal("data: {\"a\":1}\n\n", client.Text);
        Assert.Equal(3, client.Writes);
    }

    [Fact]
    public void Finds_a_frame_in_place_only_when_the_bytes_around_the_payload_are_exactly_the_framing()
    {
        var read = Encoding.UTF8.GetBytes("xdata: {}\n\ndata: []\n");
        Assert.Equal("data: {}\n\n", Encoding.UTF8.GetString(RelayEventWriter.FramedInPlace(read.AsMemory(7, 2))!.Value.Span));
        Assert.Null(RelayEventWriter.FramedInPlace(read.AsMemory(17, 2))); // "\n" then the end of the buffer
        Assert.Null(RelayEventWriter.FramedInPlace("{}"u8.ToArray()));
    }
}
