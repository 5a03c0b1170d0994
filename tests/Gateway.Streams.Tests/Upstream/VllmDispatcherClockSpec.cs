using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Streams.Tests.Upstream;

/// <summary>The dispatcher and the probe wait on the injected clock, so their timeouts are tested without sleeping.</summary>
public sealed class VllmDispatcherClockSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static FakeUpstreamHandler Silent() => new(async (_, ct) =>
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        throw new InvalidOperationException("unreachable");
    });

    [Fact]
    public async Task The_request_timeout_fires_when_the_clock_passes_it_and_not_before()
    {
        var clock = new FakeTimeProvider();
        var handler = Silent();
        var dispatcher = new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30), clock);
        var request = Requests.Chat();
        request.UpstreamBody = request.Body;
        request.Endpoint = new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: clock));

        _ = dispatcher.DispatchAsync(request);
        await Eventually(() => handler.Received.Count == 1);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(request.Outcome.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal(504, rejected.Error.Status);
        Assert.Equal("upstream_timeout", rejected.Error.Code);
    }

    [Fact]
    public async Task The_probe_timeout_fires_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        var handler = Silent();
        var probe = new UpstreamProbe(new HttpClient(handler), TimeSpan.FromSeconds(2), clock);
        var endpoint = new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: clock));

        var result = probe.ProbeAsync(endpoint, "m", CancellationToken.None);
        await Eventually(() => handler.Received.Count == 1);
        Assert.False(result.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(2));
        var probed = await result.WaitAsync(Wait);
        Assert.False(probed.Ready);
        Assert.Contains("did not answer within 2 s", probed.Reason, StringComparison.Ordinal);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
