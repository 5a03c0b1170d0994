using Gateway.Host.Configuration;
using Gateway.Host.Shutdown;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Host.Tests.Shutdown;

public sealed class GatewayDrainTests
{
    private static GatewayDrain Drain(FakeTimeProvider clock, double delay = 0, double timeout = 30) =>
        new(new GatewaySettings { Server = new ServerSettings { DrainDelaySeconds = delay, DrainTimeoutSeconds = timeout } }, clock, new ListLogger<GatewayDrain>());

    [Fact]
    public async Task Requests_are_served_during_the_delay_and_refused_after_it()
    {
        var clock = new FakeTimeProvider();
        using var drain = Drain(clock, delay: 10);

        var begin = drain.BeginAsync();
        Assert.Equal(DrainPhase.Draining, drain.Phase);
        Assert.True(drain.TryEnter());
        drain.Exit();

        clock.Advance(TimeSpan.FromSeconds(10));
        await begin;
        drain.Refuse();

        Assert.False(drain.TryEnter());
        Assert.Equal(0, drain.InFlight);
    }

    [Fact]
    public async Task The_drain_completes_when_the_last_request_in_flight_leaves()
    {
        var clock = new FakeTimeProvider();
        using var drain = Drain(clock);
        Assert.True(drain.TryEnter());

        var waiting = drain.WaitForInFlightAsync();
        Assert.False(waiting.IsCompleted);
        Assert.False(drain.TryEnter());

        drain.Exit();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(drain.EndStreams.IsCancellationRequested);
        Assert.True(drain.Drained.IsCompleted);
    }

    [Fact]
    public async Task At_the_drain_timeout_the_requests_left_are_told_to_end()
    {
        var clock = new FakeTimeProvider();
        using var drain = Drain(clock, timeout: 30);
        Assert.True(drain.TryEnter());
        drain.EndStreams.Register(drain.Exit); // a stream that ends as soon as it is told to

        var waiting = drain.WaitForInFlightAsync();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(drain.EndStreams.IsCancellationRequested);
        await Eventually.TrueAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return drain.EndStreams.IsCancellationRequested;
            },
            "the drain timeout fires on the injected clock");

        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, drain.InFlight);
    }
}
