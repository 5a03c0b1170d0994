using Gateway.Streams.Limits;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Limits;

public class LocalKeyLimiterSpec
{
    private static readonly KeyLimits Rpm60 = new(60, 0, 0);

    private static LocalKeyLimiter Limiter(ManualTimeProvider clock, int maxKeys = 100, TimeSpan? idle = null) =>
        new(maxKeys, idle ?? TimeSpan.FromHours(1), clock);

    [Fact]
    public void A_new_key_starts_with_a_full_bucket_of_rpm_requests_and_remaining_counts_down()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var limits = new KeyLimits(3, 0, 0);
        var remaining = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var decision = limiter.TryAcquire("k", limits, 0);
            Assert.True(decision.Allowed);
            Assert.Equal(3, decision.Headers.LimitRequests);
            remaining.Add(decision.Headers.RemainingRequests);
        }

        Assert.Equal([2, 1, 0], remaining);
        var denied = limiter.TryAcquire("k", limits, 0);
        Assert.False(denied.Allowed);
        Assert.Equal(LocalKeyLimiter.RequestsLimit, denied.ExceededLimit);
        Assert.Equal(TimeSpan.FromSeconds(20), denied.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(60), denied.Headers.ResetRequests);
        Assert.Null(denied.Headers.LimitTokens);
    }

    [Fact]
    public void Requests_refill_at_rpm_per_minute()
    {
        var clock = new ManualTimeProvider();
        var limiter = Limiter(clock);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire("k", Rpm60, 0).Allowed);
        }

        Assert.False(limiter.TryAcquire("k", Rpm60, 0).Allowed);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("k", Rpm60, 0).Allowed);
        Assert.False(limiter.TryAcquire("k", Rpm60, 0).Allowed);
    }

    [Fact]
    public void Keys_have_separate_buckets()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var one = new KeyLimits(1, 0, 0);
        Assert.True(limiter.TryAcquire("a", one, 0).Allowed);
        Assert.False(limiter.TryAcquire("a", one, 0).Allowed);
        Assert.True(limiter.TryAcquire("b", one, 0).Allowed);
    }

    [Fact]
    public void Tokens_are_reserved_then_settled_to_real_usage()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var limits = new KeyLimits(0, 1000, 0);

        var first = limiter.TryAcquire("k", limits, 600);
        Assert.True(first.Allowed);
        Assert.Equal(400, first.Headers.RemainingTokens);
        var second = limiter.TryAcquire("k", limits, 600);
        Assert.False(second.Allowed);
        Assert.Equal(LocalKeyLimiter.TokensLimit, second.ExceededLimit);
        Assert.Equal(TimeSpan.FromSeconds(12), second.RetryAfter); // 200 tokens at 1000/60 per second

        first.Lease!.Complete(150); // used far less than reserved: 450 come back
        var third = limiter.TryAcquire("k", limits, 600);
        Assert.True(third.Allowed);
        Assert.Equal(250, third.Headers.RemainingTokens);
    }

    [Fact]
    public void A_released_reservation_comes_back_whole_and_only_once()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var limits = new KeyLimits(0, 1000, 0);
        var lease = limiter.TryAcquire("k", limits, 1000).Lease!;
        Assert.False(limiter.TryAcquire("k", limits, 1).Allowed);

        lease.Complete(null);
        lease.Complete(null);

        Assert.Equal(1000, limiter.TryAcquire("k", limits, 0).Headers.RemainingTokens);
    }

    [Fact]
    public void Usage_over_the_reservation_is_a_debt_paid_by_the_refill()
    {
        var clock = new ManualTimeProvider();
        var limiter = Limiter(clock);
        var limits = new KeyLimits(0, 600, 0);
        limiter.TryAcquire("k", limits, 100).Lease!.Complete(700); // 600 - 700 = -100
        Assert.False(limiter.TryAcquire("k", limits, 1).Allowed);
        clock.Advance(TimeSpan.FromSeconds(11)); // +110
        Assert.True(limiter.TryAcquire("k", limits, 10).Allowed);
    }

    [Fact]
    public void A_request_larger_than_the_limit_passes_when_the_bucket_is_full()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var decision = limiter.TryAcquire("k", new KeyLimits(0, 100, 0), 5000);
        Assert.True(decision.Allowed);
        Assert.Equal(5000, decision.Lease!.ReservedTokens);
    }

    [Fact]
    public void Max_concurrent_holds_until_a_lease_is_completed()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var limits = new KeyLimits(0, 0, 2);
        var a = limiter.TryAcquire("k", limits, 0).Lease!;
        Assert.True(limiter.TryAcquire("k", limits, 0).Allowed);
        var third = limiter.TryAcquire("k", limits, 0);
        Assert.False(third.Allowed);
        Assert.Equal(LocalKeyLimiter.ConcurrencyLimit, third.ExceededLimit);

        a.Complete(null);
        Assert.True(limiter.TryAcquire("k", limits, 0).Allowed);
        Assert.Equal(2, limiter.InFlight("k"));
    }

    [Fact]
    public void A_refused_request_takes_nothing()
    {
        var limiter = Limiter(new ManualTimeProvider());
        var limits = new KeyLimits(10, 100, 1);
        var lease = limiter.TryAcquire("k", limits, 50).Lease!;
        var refused = limiter.TryAcquire("k", limits, 10);
        Assert.False(refused.Allowed);
        Assert.Equal(9, refused.Headers.RemainingRequests);
        Assert.Equal(50, refused.Headers.RemainingTokens);
        lease.Complete(null);
    }

    [Fact]
    public void The_least_recently_used_key_is_evicted_at_max_keys()
    {
        var limiter = Limiter(new ManualTimeProvider(), maxKeys: 2);
        var one = new KeyLimits(1, 0, 0);
        limiter.TryAcquire("a", one, 0);
        limiter.TryAcquire("b", one, 0);
        limiter.TryAcquire("c", one, 0);
        Assert.Equal(2, limiter.TrackedKeys);
        Assert.True(limiter.TryAcquire("a", one, 0).Allowed); // evicted, so it starts full again
    }

    [Fact]
    public void Idle_keys_are_swept_but_not_keys_with_requests_in_flight()
    {
        var clock = new ManualTimeProvider();
        var limiter = Limiter(clock, idle: TimeSpan.FromSeconds(10));
        var busy = limiter.TryAcquire("busy", Rpm60, 0).Lease!;
        limiter.TryAcquire("idle", Rpm60, 0).Lease!.Complete(null);
        clock.Advance(TimeSpan.FromSeconds(11));
        limiter.TryAcquire("fresh", Rpm60, 0);
        Assert.Equal(2, limiter.TrackedKeys);
        Assert.Equal(1, limiter.InFlight("busy"));
        busy.Complete(null);
    }

    [Fact]
    public void Memory_stays_bounded_under_100000_random_bearer_tokens()
    {
        var clock = new ManualTimeProvider();
        var limiter = Limiter(clock, maxKeys: 1000, idle: TimeSpan.FromSeconds(60));
        var most = 0;
        for (var i = 0; i < 100_000; i++)
        {
            limiter.TryAcquire(Guid.NewGuid().ToString("N"), Rpm60, 0).Lease!.Complete(null);
            most = Math.Max(most, limiter.TrackedKeys);
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(1000, most);
        clock.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 200; i++)
        {
            limiter.TryAcquire("k" + i, Rpm60, 0);
        }

        // 8 idle keys are swept per call: the idle ones are gone, the 200 live ones stay.
        Assert.Equal(200, limiter.TrackedKeys);
    }

    [Fact]
    public void State_is_kept_by_name_across_a_change_of_limits()
    {
        var limiter = Limiter(new ManualTimeProvider());
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquire("k", new KeyLimits(10, 0, 0), 0);
        }

        var after = limiter.TryAcquire("k", new KeyLimits(20, 0, 0), 0);
        Assert.Equal(14, after.Headers.RemainingRequests); // 20 - 6 used
    }

    [Fact]
    public void Bad_construction_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalKeyLimiter(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalKeyLimiter(1, TimeSpan.Zero));
    }
}
