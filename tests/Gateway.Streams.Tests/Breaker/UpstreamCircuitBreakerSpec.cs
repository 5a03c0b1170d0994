using Gateway.Streams.Breaker;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Breaker;

public class UpstreamCircuitBreakerSpec
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void Opens_after_the_threshold_of_consecutive_failures()
    {
        var breaker = new UpstreamCircuitBreaker(3, TimeSpan.FromSeconds(30), time: _clock);
        breaker.RecordFailure();
        breaker.RecordFailure();
        Assert.True(breaker.TryAcquire(out _));
        breaker.RecordFailure();
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
    }

    [Fact]
    public void A_success_resets_the_failure_count()
    {
        var breaker = new UpstreamCircuitBreaker(2, TimeSpan.FromSeconds(30), time: _clock);
        breaker.RecordFailure();
        breaker.RecordSuccess();
        breaker.RecordFailure();
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void After_the_cooldown_one_trial_request_is_let_through()
    {
        var breaker = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30), time: _clock);
        breaker.RecordFailure();
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryAcquire(out _));
        Assert.False(breaker.TryAcquire(out _));
        breaker.RecordSuccess();
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryAcquire(out _));
    }

    [Fact]
    public void A_failed_trial_reopens_for_another_cooldown()
    {
        var breaker = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30), time: _clock);
        breaker.RecordFailure();
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(breaker.TryAcquire(out _));
        breaker.RecordFailure();
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryAcquire(out _));
    }

    [Fact]
    public void Reports_each_state_change_once()
    {
        var breaker = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(5), time: _clock);
        var changes = new List<CircuitState>();
        breaker.StateChanged += changes.Add;
        breaker.RecordFailure();
        breaker.RecordFailure();
        _clock.Advance(TimeSpan.FromSeconds(5));
        breaker.TryAcquire(out _);
        breaker.RecordSuccess();
        Assert.Equal([CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed], changes);
    }

    [Fact]
    public void A_disabled_breaker_always_admits()
    {
        var breaker = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30), enabled: false, time: _clock);
        breaker.RecordFailure();
        breaker.RecordFailure();
        Assert.True(breaker.TryAcquire(out _));
    }
}
