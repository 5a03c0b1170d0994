using System.Net;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Time.Testing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Sse;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Relay;

public class StreamingRelaySpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Body =
        "data: {\"choices\":[{\"delta\":{\"content\":\"Grüße \"}}]}\n\n" +
        "data: {\"choices\":[{\"delta\":{\"content\":\"🎉\"}}]}\n\n" +
        "data: [DONE]\n\n";

    private static UpstreamResponse Response(Stream body, CancellationToken clientAborted = default)
    {
        var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        message.Content.Headers.ContentType = new("text/event-stream");
        var deadline = new RequestDeadline(Timeout.InfiniteTimeSpan, TimeProvider.System, clientAborted);
        var endpoint = new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
        return new UpstreamResponse(message, deadline, endpoint, () => { });
    }

    private static IEnumerable<byte[]> Split(string text, int size)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i += size)
        {
            yield return bytes[i..Math.Min(bytes.Length, i + size)];
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task Relays_every_event_in_vllm_framing_whatever_the_read_sizes(int readSize)
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split(Body, readSize)));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(Body, client.Text);
        // One flush per upstream read that completed events: per event when they arrive apart, once when together.
        Assert.Equal(readSize >= Body.Length ? 1 : 3, client.Flushes);
    }

    [Fact]
    public async Task The_direct_relay_keeps_an_event_whose_blank_line_comes_in_the_next_read_into_the_same_pooled_buffer()
    {
        // Synchronous reads: the relay's pooled read buffer is the same array for every read.
        string[] reads = ["data: {\"a\":1}\n", "\ndata: {\"b\":2}\n", "\n", "data: [DONE]\n\n"];
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(reads.Select(Encoding.UTF8.GetBytes), yieldOnRead: false));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(string.Concat(reads), client.Text);
        Assert.Equal(3, client.Flushes);
    }

    [Fact]
    public async Task Events_that_arrive_in_one_read_go_out_as_one_write_and_one_flush_in_that_read_cycle()
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream([Encoding.UTF8.GetBytes(Body)], yieldOnRead: false));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(Body, client.Text);
        Assert.Equal(2, client.Writes); // both frames as they lie in the read buffer (no copy) in one write, then [DONE]
        Assert.Equal(1, client.Flushes);
    }

    [Fact]
    public async Task A_client_writer_that_reads_each_event_gets_one_write_per_event()
    {
        var client = new RecordingClientWriter { NeedsOneWritePerEvent = true };
        using var response = Response(new ChunkedStream([Encoding.UTF8.GetBytes(Body)], yieldOnRead: false));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(Body, client.Text);
        Assert.Equal(3, client.Writes);
        Assert.Equal(1, client.Flushes);
    }

    [Fact]
    public async Task Events_held_for_one_write_still_go_out_before_the_in_band_error_of_a_malformed_event_after_them()
    {
        // The read's buffer is returned to the pool when the malformed event ends the read: the two events before it
        // must be written first, not from a reused buffer later.
        const string Read = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: not json\n\n";
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream([Encoding.UTF8.GetBytes(Read)], yieldOnRead: false));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.UpstreamFailed, result);
        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: {\"error\":", client.Text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", client.Text, StringComparison.Ordinal);
    }

    /// <summary>A per-event transform that changes nothing: the stream takes the graph path instead of the direct loop.</summary>
    private static readonly ResponseTransform PassThroughGraph = new(b => b, () => Flow.Create<SseEvent>());

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task The_graph_path_of_a_transformed_stream_relays_the_same_bytes_and_flushes(int readSize)
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split(Body, readSize)));

        var result = (await StreamingRelay.RunAsync(response, PassThroughGraph, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(Body, client.Text);
        Assert.Equal(readSize >= Body.Length ? 1 : 3, client.Flushes);
    }

    [Fact]
    public async Task The_graph_path_ends_a_truncated_stream_like_the_direct_one()
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split("data: {\"a\":1}\n\ndata: {\"b\":", 5)));

        var result = (await StreamingRelay.RunAsync(response, PassThroughGraph, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.UpstreamTruncated, result);
        Assert.Contains("\"code\":\"upstream_unavailable\"", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountDone(client.Text));
    }

    [Fact]
    public async Task An_upstream_silent_after_its_first_event_ends_with_the_idle_timeout_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        var client = new RecordingClientWriter();
        var upstream = new FirstThenSilentStream(Encoding.UTF8.GetBytes("data: {\"a\":1}\n\n"));
        using var response = Response(upstream);

        var relay = StreamingRelay.RunAsync(
            response, null, client, Sys.Materializer(), timeouts: new StreamTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)) { Time = clock });
        await WaitForAsync(() => client.Flushes >= 1 && upstream.Waiting);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(relay.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var outcome = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RelayResult.UpstreamIdleTimedOut, outcome.Kind);
        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"error\":", client.Text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_idle_timeout\"", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountDone(client.Text));
        Assert.True(upstream.Disposed);
    }

    [Fact]
    public async Task An_upstream_that_never_sends_an_event_fails_before_the_first_byte_with_the_ttft_timeout()
    {
        var clock = new FakeTimeProvider();
        var client = new RecordingClientWriter();
        var upstream = new FirstThenSilentStream([]);
        using var response = Response(upstream);

        var relay = StreamingRelay.RunAsync(
            response, null, client, Sys.Materializer(), timeouts: new StreamTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), DeferHeaders: true) { Time = clock });
        await WaitForAsync(() => upstream.Waiting);
        clock.Advance(TimeSpan.FromSeconds(6));

        var outcome = await relay.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(RelayResult.UpstreamTtftTimedOut, outcome.Kind);
        Assert.Equal("upstream_ttft_timeout", outcome.FailedBeforeFirstByte?.Code);
        Assert.Equal("", client.Text);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met within 10 s");
            await Task.Delay(5);
        }
    }

    /// <summary>Hands out one chunk (if any), then waits for data that never comes until it is disposed.</summary>
    private sealed class FirstThenSilentStream(byte[] first) : AsyncReadOnlyStream
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _sentFirst = first.Length == 0;

        public bool Disposed => _disposed.Task.IsCompleted;

        public bool Waiting { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sentFirst)
            {
                if (buffer.IsEmpty)
                {
                    return 0;
                }

                _sentFirst = true;
                first.CopyTo(buffer);
                return first.Length;
            }

            Waiting = true;
            await _disposed.Task.WaitAsync(cancellationToken);
            throw new ObjectDisposedException(nameof(FirstThenSilentStream));
        }

        protected override void Dispose(bool disposing)
        {
            _disposed.TrySetResult();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task Ends_a_truncated_stream_with_an_error_event_and_one_done()
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split("data: {\"a\":1}\n\ndata: {\"b\":", 5)));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.UpstreamTruncated, result);
        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"error\":{", client.Text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_unavailable\"", client.Text, StringComparison.Ordinal);
        Assert.EndsWith("\n\ndata: [DONE]\n\n", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountDone(client.Text));
    }

    [Fact]
    public async Task Reports_an_upstream_read_failure_in_band()
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split("data: {\"a\":1}\n\n", 64), new IOException("connection reset")));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.UpstreamFailed, result);
        Assert.Contains("data: {\"error\":", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountDone(client.Text));
    }

    [Fact]
    public async Task Passes_an_upstream_in_band_error_through_without_adding_another()
    {
        const string upstream = "data: {\"error\": {\"message\": \"boom\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}}\n\ndata: [DONE]\n\n";
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split(upstream, 10)));

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer())).Kind;

        Assert.Equal(RelayResult.Completed, result);
        Assert.Equal(upstream, client.Text);
    }

    [Fact]
    public async Task Ignores_anything_the_upstream_sends_after_done()
    {
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split(Body + "data: {\"late\":1}\n\ndata: [DONE]\n\n", 11)));

        await StreamingRelay.RunAsync(response, null, client, Sys.Materializer());

        Assert.Equal(Body, client.Text);
    }

    [Fact]
    public async Task A_client_that_leaves_stops_the_relay_and_closes_the_upstream_body()
    {
        using var clientGone = new CancellationTokenSource();
        var endless = new ChunkedStream(Enumerable.Repeat(Encoding.UTF8.GetBytes("data: {\"x\":1}\n\n"), 1_000_000));
        var writes = 0;
        var client = new RecordingClientWriter
        {
            BeforeWrite = async () =>
            {
                // An event is written in three pieces (prefix, payload, blank line): leave during the fifth event.
                if (++writes == 14)
                {
                    await clientGone.CancelAsync();
                }
            },
        };
        using var response = Response(endless, clientGone.Token);

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer()).WaitAsync(TimeSpan.FromSeconds(10))).Kind;

        Assert.Equal(RelayResult.ClientAborted, result);
        Assert.True(endless.Disposed);
        Assert.InRange(endless.Reads, 5, 50);
    }

    [Fact]
    public async Task The_direct_relay_reads_without_a_token_and_a_client_leaving_still_ends_a_pending_read()
    {
        // vLLM sends one event per read: a token on each read would cost two registrations per event. Closing the
        // body is what ends a pending read when the client leaves (or the deadline passes).
        using var clientGone = new CancellationTokenSource();
        var silent = new SilentStream();
        using var response = Response(silent, clientGone.Token);
        var client = new RecordingClientWriter();

        var relay = StreamingRelay.RunAsync(response, null, client, Sys.Materializer());
        await AwaitConditionAsync(() => Task.FromResult(silent.PendingReads == 1), TimeSpan.FromSeconds(10));
        Assert.False(silent.LastReadToken.CanBeCanceled);
        await clientGone.CancelAsync();
        var result = (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Kind;

        Assert.Equal(RelayResult.ClientAborted, result);
        Assert.True(silent.Disposed);
        Assert.Equal(0, client.Writes);
    }

    [Fact]
    public async Task The_gateway_stopping_ends_a_running_stream_with_shutting_down_and_one_done()
    {
        using var stop = new CancellationTokenSource();
        var endless = new ChunkedStream(Enumerable.Repeat(Encoding.UTF8.GetBytes("data: {\"x\":1}\n\n"), 1_000_000));
        var writes = 0;
        var client = new RecordingClientWriter
        {
            BeforeWrite = async () =>
            {
                if (++writes == 5)
                {
                    await stop.CancelAsync();
                }
            },
        };
        using var response = Response(endless);

        var result = (await StreamingRelay.RunAsync(response, null, client, Sys.Materializer(), stop: stop.Token).WaitAsync(TimeSpan.FromSeconds(10))).Kind;

        Assert.Equal(RelayResult.GatewayStopped, result);
        Assert.EndsWith("\"code\":\"shutting_down\"}}\n\ndata: [DONE]\n\n", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, client.Text.Split("[DONE]").Length - 1);
    }

    [Fact]
    public async Task A_slow_client_slows_the_upstream_reads()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var endless = new ChunkedStream(Enumerable.Repeat(Encoding.UTF8.GetBytes("data: {\"x\":1}\n\n"), 1_000_000));
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new RecordingClientWriter
        {
            BeforeWrite = () =>
            {
                writing.TrySetResult();
                return gate.Task;
            },
        };
        using var clientGone = new CancellationTokenSource();
        using var response = Response(endless, clientGone.Token);

        var relay = StreamingRelay.RunAsync(response, null, client, Sys.Materializer());
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The relay is stuck in the first write, so only the first read (and at most a small prefetch) happened.
        Assert.InRange(endless.Reads, 1, 4);
        await clientGone.CancelAsync();
        Assert.Equal(RelayResult.ClientAborted, (await relay.WaitAsync(TimeSpan.FromSeconds(10))).Kind);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reads_the_usage_chunk_and_forwards_it_only_when_the_client_asked(bool strip)
    {
        const string usageChunk = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"total_tokens\":12,\"completion_tokens\":3}}\n\n";
        var upstream = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n" + usageChunk + "data: [DONE]\n\n";
        var client = new RecordingClientWriter();
        using var response = Response(new ChunkedStream(Split(upstream, 13)));

        var outcome = await StreamingRelay.RunAsync(response, null, client, Sys.Materializer(), stripUsageChunk: strip);

        Assert.Equal(new TokenUsage(9, 3), outcome.Usage);
        Assert.Equal(!strip, client.Text.Contains(usageChunk, StringComparison.Ordinal));
        Assert.EndsWith("data: [DONE]\n\n", client.Text, StringComparison.Ordinal);
    }

    private static int CountDone(string text) => text.Split("data: [DONE]\n\n").Length - 1;
}
