using Gateway.Streams.Relay;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Streams.Tests.Relay;

public class StreamSilenceWatchSpec
{
    private static (StreamSilenceWatch Watch, FakeTimeProvider Clock, Func<int> Fired) Start(TimeSpan? first, TimeSpan? between)
    {
        var clock = new FakeTimeProvider();
        var fired = 0;
        var watch = StreamSilenceWatch.Start(new StreamTimeouts(first, between) { Time = clock }, () => Interlocked.Increment(ref fired))!;
        return (watch, clock, () => Volatile.Read(ref fired));
    }

    [Fact]
    public void No_limits_no_watch() =>
        Assert.Null(StreamSilenceWatch.Start(new StreamTimeouts(null, null), () => { }));

    [Fact]
    public void Fires_once_when_no_event_comes_within_the_first_event_limit()
    {
        var (watch, clock, fired) = Start(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
        using (watch)
        {
            clock.Advance(TimeSpan.FromSeconds(4.9));
            Assert.Equal(0, fired());

            clock.Advance(TimeSpan.FromSeconds(0.2));
            Assert.Equal(1, fired());
            Assert.True(watch.TimedOut);

            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal(1, fired());
        }
    }

    [Fact]
    public void Before_the_first_event_the_shorter_limit_applies()
    {
        var (watch, clock, fired) = Start(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
        using (watch)
        {
            clock.Advance(TimeSpan.FromSeconds(2.1));
            Assert.Equal(1, fired());
        }
    }

    [Fact]
    public void Each_event_restarts_the_silence_and_the_limit_between_events_takes_over()
    {
        var (watch, clock, fired) = Start(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));
        using (watch)
        {
            for (var i = 0; i < 10; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(1.5));
                watch.Writing();
                watch.Heard();
            }

            Assert.Equal(0, fired());
            clock.Advance(TimeSpan.FromSeconds(2.1));
            Assert.Equal(1, fired());
        }
    }

    [Fact]
    public void Time_spent_writing_to_a_slow_client_is_not_upstream_silence()
    {
        var (watch, clock, fired) = Start(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));
        using (watch)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            watch.Writing();
            clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(0, fired());

            watch.Heard();
            clock.Advance(TimeSpan.FromSeconds(1.9));
            Assert.Equal(0, fired());
            clock.Advance(TimeSpan.FromSeconds(0.2));
            Assert.Equal(1, fired());
        }
    }

    [Fact]
    public void A_disposed_watch_never_fires()
    {
        var (watch, clock, fired) = Start(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        watch.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, fired());
    }
}
