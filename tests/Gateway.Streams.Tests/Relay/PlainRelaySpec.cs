using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Relay;

public class PlainRelaySpec
{
    private const string Json = "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Grüße 🎉\"}}]}";

    private static UpstreamResponse Response(HttpContent content, long? contentLength)
    {
        content.Headers.ContentLength = contentLength;
        var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        var deadline = new RequestDeadline(Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None);
        var endpoint = new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
        return new UpstreamResponse(message, deadline, endpoint, () => { });
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static IEnumerable<byte[]> Split(byte[] bytes, int size)
    {
        for (var i = 0; i < bytes.Length; i += size)
        {
            yield return bytes[i..Math.Min(bytes.Length, i + size)];
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task A_body_with_its_length_is_read_whole_into_one_array_of_that_size(int readSize)
    {
        var body = Bytes(Json);
        using var response = Response(new StreamContent(new ChunkedStream(Split(body, readSize))), body.Length);

        var (read, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Null(error);
        Assert.Equal(Json, Encoding.UTF8.GetString(read.Span));
        // No growth: the array is the declared length plus the byte the end-of-body read needs.
        Assert.True(MemoryMarshal.TryGetArray(read, out var segment));
        Assert.Equal(body.Length + 1, segment.Array!.Length);
    }

    [Fact]
    public async Task An_empty_body_with_length_zero_is_empty()
    {
        using var response = Response(new StreamContent(new MemoryStream()), 0);

        var (read, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Null(error);
        Assert.Equal(0, read.Length);
    }

    [Fact]
    public async Task A_body_shorter_than_its_length_is_what_arrived()
    {
        var body = Bytes(Json);
        using var response = Response(new StreamContent(new MemoryStream(body)), body.Length + 100);

        var (read, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Null(error);
        Assert.Equal(Json, Encoding.UTF8.GetString(read.Span));
    }

    [Fact]
    public async Task A_body_longer_than_its_length_loses_no_byte()
    {
        var body = Bytes(Json + new string(' ', 20_000) + "!");
        using var response = Response(new StreamContent(new MemoryStream(body)), 10);

        var (read, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Null(error);
        Assert.Equal(body, read.ToArray());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(8192)]
    public async Task A_body_without_a_length_is_read_to_its_end(int readSize)
    {
        var body = Bytes(string.Concat(Enumerable.Repeat(Json, 300))); // ~27 KB: several buffer growths
        using var response = Response(new StreamContent(new ChunkedStream(Split(body, readSize))), null);

        var (read, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Null(error);
        Assert.Equal(body, read.ToArray());
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused_before_reading()
    {
        var stream = new ChunkedStream([Bytes(Json)]);
        using var response = Response(new StreamContent(stream), 1_000);

        var (_, error) = await PlainRelay.ReadAsync(response, null, maxBodyBytes: 999);

        Assert.Equal("response_too_large", error?.Cause);
        Assert.Equal(0, stream.Reads);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(10L)]
    public async Task A_body_that_grows_past_the_cap_is_refused(long? declared)
    {
        var body = Bytes(new string('x', 5_000));
        using var response = Response(new StreamContent(new MemoryStream(body)), declared);

        var (_, error) = await PlainRelay.ReadAsync(response, null, maxBodyBytes: 4_096);

        Assert.Equal("response_too_large", error?.Cause);
    }

    [Fact]
    public async Task A_body_that_fails_midway_is_an_upstream_failure()
    {
        var body = Bytes(Json);
        using var response = Response(new StreamContent(new ChunkedStream([body[..10]], new IOException("reset"))), body.Length);

        var (_, error) = await PlainRelay.ReadAsync(response, null);

        Assert.Equal("response_failed", error?.Cause);
    }

    [Fact]
    public async Task The_transform_gets_the_whole_body()
    {
        var body = Bytes(Json);
        var transform = new ResponseTransform(b => Bytes("<" + Encoding.UTF8.GetString(b.Span) + ">"), () => Akka.Streams.Dsl.Flow.Create<Gateway.Streams.Sse.SseEvent>());
        using var response = Response(new StreamContent(new ChunkedStream(Split(body, 3))), body.Length);

        var (read, error) = await PlainRelay.ReadAsync(response, transform);

        Assert.Null(error);
        Assert.Equal("<" + Json + ">", Encoding.UTF8.GetString(read.Span));
    }
}
