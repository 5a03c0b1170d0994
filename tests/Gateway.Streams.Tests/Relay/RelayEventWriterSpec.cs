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
