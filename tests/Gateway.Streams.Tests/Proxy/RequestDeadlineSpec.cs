using Gateway.Streams.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Streams.Tests.Proxy;

/// <summary>One source and one timer serve the first phase and the total; the causes stay apart.</summary>
public sealed class RequestDeadlineSpec
{
    [Fact]
    public void The_phase_fires_first_and_is_told_apart_from_the_total()
    {
        var clock = new FakeTimeProvider();
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(deadline.Token.IsCancellationRequested);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(deadline.PhaseTimedOut);
        Assert.False(deadline.TimedOut);
        Assert.False(deadline.CallerCancelled);
    }

    [Fact]
    public void After_the_phase_ends_only_the_rest_of_the_total_counts()
    {
        var clock = new FakeTimeProvider();
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(3));
        deadline.EndPhase();
        clock.Advance(TimeSpan.FromSeconds(26));
        Assert.False(deadline.Token.IsCancellationRequested);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(deadline.TimedOut);
        Assert.False(deadline.PhaseTimedOut);
    }

    [Fact]
    public void A_restarted_phase_gets_a_fresh_limit_within_what_is_left_of_the_total()
    {
        var clock = new FakeTimeProvider();
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(5), clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(deadline.PhaseTimedOut);

        deadline.RestartPhase(); // 7 s of the total left: a full 5 s phase
        Assert.False(deadline.Token.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(deadline.PhaseTimedOut);

        deadline.RestartPhase(); // 2 s left: the total ends first
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(deadline.TimedOut);
        Assert.False(deadline.PhaseTimedOut);
    }

    [Fact]
    public void The_caller_cancels_through_it_and_is_no_timeout()
    {
        var clock = new FakeTimeProvider();
        using var caller = new CancellationTokenSource();
        using var deadline = new RequestDeadline(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), clock, caller.Token);

        caller.Cancel();
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.CallerCancelled);
        Assert.False(deadline.TimedOut);
        Assert.False(deadline.PhaseTimedOut);
    }
}
