using Gateway.Streams.Limits;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Limits;

/// <summary>The cluster seam: two limiters standing for two nodes share a key's limits by exchanging snapshots, no call per request.</summary>
public class LimiterSnapshotSpec
{
    private static readonly KeyLimits Limits = new(10, 1000, 0);

    [Fact]
    public void A_node_that_absorbs_its_peers_consumption_admits_only_what_is_left_of_the_shared_limit()
    {
        var clock = new ManualTimeProvider();
        var a = new LocalKeyLimiter(100, TimeSpan.FromHours(1), clock);
        var b = new LocalKeyLimiter(100, TimeSpan.FromHours(1), clock);
        b.TryAcquire("k", Limits, 0).Lease!.Complete(0);
        b.Absorb("a", a.Snapshot()); // baseline: a has not seen the key yet

        for (var i = 0; i < 6; i++)
        {
            a.TryAcquire("k", Limits, 0).Lease!.Complete(100);
        }

        b.Absorb("a", a.Snapshot());
        b.Absorb("a", a.Snapshot()); // the same snapshot twice charges once

        // 10 per minute shared: b used 1, a used 6, so b has 3 left; tokens: 1000 - 600 = 400.
        var decisions = Enumerable.Range(0, 4).Select(_ => b.TryAcquire("k", Limits, 0)).ToList();
        Assert.Equal(3, decisions.Count(d => d.Allowed));
        Assert.Equal(LocalKeyLimiter.RequestsLimit, decisions[^1].ExceededLimit);
        Assert.Equal(400, decisions[0].Headers.RemainingTokens);
    }

    [Fact]
    public void A_snapshot_counts_what_was_admitted_and_charged_here()
    {
        var limiter = new LocalKeyLimiter(100, TimeSpan.FromHours(1), new ManualTimeProvider());
        limiter.TryAcquire("k", Limits, 50).Lease!.Complete(30);
        limiter.TryAcquire("k", Limits, 50).Lease!.Complete(null);
        var open = limiter.TryAcquire("k", Limits, 50).Lease!;

        Assert.Equal(new KeyConsumption(3, 30), limiter.Snapshot().Keys["k"]);
        open.Complete(20);
        Assert.Equal(new KeyConsumption(3, 50), limiter.Snapshot().Keys["k"]);
    }

    [Fact]
    public void Snapshots_merge_by_the_larger_counter_in_any_order()
    {
        var older = new LimiterSnapshot(new Dictionary<string, KeyConsumption> { ["k"] = new(2, 100), ["x"] = new(1, 1) });
        var newer = new LimiterSnapshot(new Dictionary<string, KeyConsumption> { ["k"] = new(5, 300) });

        var one = LimiterSnapshot.Merge(older, newer);
        var other = LimiterSnapshot.Merge(newer, older);

        Assert.Equal(new KeyConsumption(5, 300), one.Keys["k"]);
        Assert.Equal(new KeyConsumption(1, 1), one.Keys["x"]);
        Assert.Equal(one.Keys.OrderBy(k => k.Key), other.Keys.OrderBy(k => k.Key));
        Assert.Equal(one.Keys.OrderBy(k => k.Key), LimiterSnapshot.Merge(one, newer).Keys.OrderBy(k => k.Key));
    }

    [Fact]
    public void A_peer_that_forgot_a_key_counts_again_from_zero()
    {
        var clock = new ManualTimeProvider();
        var b = new LocalKeyLimiter(100, TimeSpan.FromHours(1), clock);
        b.TryAcquire("k", Limits, 0).Lease!.Complete(0);
        b.Absorb("a", new LimiterSnapshot(new Dictionary<string, KeyConsumption> { ["k"] = new(5, 0) }));
        b.Absorb("a", new LimiterSnapshot(new Dictionary<string, KeyConsumption> { ["k"] = new(2, 0) })); // a evicted and re-tracked the key

        var remaining = b.TryAcquire("k", Limits, 0).Headers.RemainingRequests;
        Assert.Equal(10 - 1 - 2 - 1, remaining);
    }
}
