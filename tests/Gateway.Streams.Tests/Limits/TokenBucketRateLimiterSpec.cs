using Gateway.Streams.Limits;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Limits;

public class TokenBucketRateLimiterSpec
{
    [Fact]
    public void A_new_key_starts_with_a_full_bucket_of_rpm_tokens()
    {
        var limiter = new TokenBucketRateLimiter(3, 100, TimeSpan.FromHours(1), new ManualTimeProvider());
        Assert.True(limiter.TryAcquire("k").Allowed);
        Assert.True(limiter.TryAcquire("k").Allowed);
        Assert.True(limiter.TryAcquire("k").Allowed);
        var denied = limiter.TryAcquire("k");
        Assert.False(denied.Allowed);
        Assert.InRange(denied.RetryAfterSeconds, 1, 21);
    }

    [Fact]
    public void Keys_have_separate_buckets()
    {
        var limiter = new TokenBucketRateLimiter(1, 100, TimeSpan.FromHours(1), new ManualTimeProvider());
        Assert.True(limiter.TryAcquire("a").Allowed);
        Assert.False(limiter.TryAcquire("a").Allowed);
        Assert.True(limiter.TryAcquire("b").Allowed);
    }

    [Fact]
    public void Tokens_refill_at_rpm_per_minute()
    {
        var clock = new ManualTimeProvider();
        var limiter = new TokenBucketRateLimiter(60, 100, TimeSpan.FromHours(1), clock);
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire("k").Allowed);
        }

        var denied = limiter.TryAcquire("k");
        Assert.False(denied.Allowed);
        Assert.Equal(2, denied.RetryAfterSeconds);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire("k").Allowed);
        Assert.False(limiter.TryAcquire("k").Allowed);
    }

    [Fact]
    public void The_least_recently_used_key_is_evicted_at_max_keys()
    {
        var limiter = new TokenBucketRateLimiter(1, 2, TimeSpan.FromHours(1), new ManualTimeProvider());
        limiter.TryAcquire("a");
        limiter.TryAcquire("b");
        limiter.TryAcquire("c");
        Assert.Equal(2, limiter.TrackedKeys);
        // "a" was evicted, so it starts full again.
        Assert.True(limiter.TryAcquire("a").Allowed);
    }

    [Fact]
    public void Idle_keys_are_swept()
    {
        var clock = new ManualTimeProvider();
        var limiter = new TokenBucketRateLimiter(5, 100, TimeSpan.FromSeconds(10), clock);
        for (var i = 0; i < 5; i++)
        {
            limiter.TryAcquire("idle-" + i);
        }

        clock.Advance(TimeSpan.FromSeconds(11));
        limiter.TryAcquire("fresh");
        Assert.Equal(1, limiter.TrackedKeys);
    }

    [Fact]
    public void Rejects_non_positive_parameters()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucketRateLimiter(0, 1, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucketRateLimiter(1, 0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBucketRateLimiter(1, 1, TimeSpan.Zero));
    }
}
