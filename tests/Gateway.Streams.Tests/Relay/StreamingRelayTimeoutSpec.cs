using System.Net;
using System.Text;
using Akka.Streams;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Relay;

/// <summary>
/// A stream's own phases: no first event in time (<c>upstream_ttft_timeout</c>), silence between events
/// (<c>upstream_idle_timeout</c>), a stream that breaks before its first event (a real status when the headers are
/// still held back), and a client leaving, which is neither.
/// </summary>
public class StreamingRelayTimeoutSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private const string Event = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";

    private readonly UpstreamEndpoint _endpoint = new(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));

    private UpstreamResponse Response(Stream body, CancellationToken clientAborted = default)
    {
        var message = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        message.Content.Headers.ContentType = new("text/event-stream");
        return new UpstreamResponse(message, new RequestDeadline(Timeout.InfiniteTimeSpan, TimeProvider.System, clientAborted), _endpoint, () => { });
    }

    private async Task<RelayOutcome> RelayAsync(Stream body, StreamTimeouts timeouts, RecordingClientWriter client, CancellationToken clientAborted = default)
    {
        using var response = Response(body, clientAborted);
        return await StreamingRelay.RunAsync(response, null, client, Sys.Materializer(), timeouts: timeouts, stop: CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    [Fact]
    public async Task No_first_event_in_time_with_the_headers_held_back_gives_a_real_504_upstream_ttft_timeout()
    {
        var client = new RecordingClientWriter();

        var outcome = await RelayAsync(new SilentAfter([]), new StreamTimeouts(Short, Long, DeferHeaders: true), client);

        Assert.Equal(RelayResult.UpstreamTtftTimedOut, outcome.Kind);
        Assert.Equal((504, "upstream_ttft_timeout"), (outcome.FailedBeforeFirstByte!.Status, outcome.FailedBeforeFirstByte.Code));
        Assert.Equal("", client.Text); // nothing written: the caller answers with the status
        Assert.Equal(1, _endpoint.GatewayFailures);
    }

    [Fact]
    public async Task No_first_event_in_time_after_the_headers_went_out_ends_in_band_with_the_ttft_code_and_done()
    {
        var client = new RecordingClientWriter();

        var outcome = await RelayAsync(new SilentAfter([]), new StreamTimeouts(Short, Long), client);

        Assert.Equal(RelayResult.UpstreamTtftTimedOut, outcome.Kind);
        Assert.Contains("\"code\":\"upstream_ttft_timeout\"", client.Text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", client.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silence_between_events_ends_the_stream_in_band_with_upstream_idle_timeout_and_one_done()
    {
        var client = new RecordingClientWriter();

        var outcome = await RelayAsync(new SilentAfter([Event, Event]), new StreamTimeouts(Long, Short, DeferHeaders: true), client);

        Assert.Equal(RelayResult.UpstreamIdleTimedOut, outcome.Kind);
        Assert.Null(outcome.FailedBeforeFirstByte); // the first event was written: in-band only
        Assert.StartsWith(Event + Event, client.Text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_idle_timeout\"", client.Text, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(client.Text, "data: [DONE]"));
        Assert.Equal(1, _endpoint.GatewayFailures);
    }

    [Fact]
    public async Task A_stream_that_breaks_before_its_first_event_gets_a_real_status()
    {
        var client = new RecordingClientWriter();

        var outcome = await RelayAsync(new ChunkedStream([]), new StreamTimeouts(Long, Long, DeferHeaders: true), client);

        Assert.Equal(RelayResult.UpstreamTruncated, outcome.Kind);
        Assert.Equal((502, "upstream_unavailable"), (outcome.FailedBeforeFirstByte!.Status, outcome.FailedBeforeFirstByte.Code));
        Assert.Equal("", client.Text);
    }

    [Fact]
    public async Task A_client_that_leaves_during_a_silence_is_a_client_abort_not_a_timeout()
    {
        using var clientGone = new CancellationTokenSource();
        var client = new RecordingClientWriter();
        var body = new SilentAfter([Event]) { OnSilence = () => clientGone.Cancel() };

        var outcome = await RelayAsync(body, new StreamTimeouts(Long, Long, DeferHeaders: true), client, clientGone.Token);

        Assert.Equal(RelayResult.ClientAborted, outcome.Kind);
        Assert.Null(outcome.FailedBeforeFirstByte);
        Assert.Equal(0, _endpoint.GatewayFailures); // a client leaving never counts against the replica
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>An upstream body that sends its events, then goes silent (a read that waits until cancelled).</summary>
    private sealed class SilentAfter(string[] events) : AsyncReadOnlyStream
    {
        private readonly CancellationTokenSource _disposed = new();
        private int _next;

        public Action? OnSilence { get; init; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_next < events.Length)
            {
                var bytes = Encoding.UTF8.GetBytes(events[_next++]);
                bytes.CopyTo(buffer);
                return bytes.Length;
            }

            OnSilence?.Invoke();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Like a network stream: disposing it aborts the pending read.
                throw new IOException("The stream was disposed while a read was pending.");
            }

            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _disposed.Cancel();
            }

            base.Dispose(disposing);
        }
    }
}
