using Gateway.Streams.Breaker;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Picking;

public class ReplicaPickerSpec
{
    private readonly ManualTimeProvider _clock = new();

    private UpstreamEndpoint Replica(string name, double weight = 1, int threshold = 1) =>
        new(new Uri($"http://{name}.test/"), new UpstreamCircuitBreaker(threshold, TimeSpan.FromSeconds(30), time: _clock), weight);

    private static void Load(UpstreamEndpoint replica, int inFlight)
    {
        for (var i = 0; i < inFlight; i++)
        {
            replica.Enter();
        }
    }

    private static Dictionary<string, int> Count(ReplicaPicker picker, int picks, Action<UpstreamEndpoint>? afterPick = null)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < picks; i++)
        {
            var chosen = picker.Pick(Requests.Chat());
            counts[chosen.Label] = counts.GetValueOrDefault(chosen.Label) + 1;
            afterPick?.Invoke(chosen);
        }

        return counts;
    }

    [Fact]
    public void The_replica_with_the_fewest_outstanding_requests_is_chosen()
    {
        var a = Replica("a");
        var b = Replica("b");
        var c = Replica("c");
        Load(a, 5);
        Load(b, 1);
        Load(c, 3);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(b, new ReplicaPicker([a, b, c]).Pick(Requests.Chat())));
    }

    [Fact]
    public void Ties_are_broken_at_random_not_by_list_order()
    {
        var picker = new ReplicaPicker([Replica("a"), Replica("b"), Replica("c")], random: new Random(7));

        var counts = Count(picker, 300);

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 60, 140));
    }

    [Fact]
    public void Under_sustained_load_a_replica_of_weight_3_takes_three_times_the_requests()
    {
        var heavy = Replica("heavy", weight: 3);
        var light = Replica("light");
        var picker = new ReplicaPicker([heavy, light], random: new Random(1));

        // Requests never finish: outstanding counts grow, and the weight decides the share.
        var counts = Count(picker, 400, chosen => chosen.Enter());

        Assert.InRange(counts["http://heavy.test"], 290, 310);
        Assert.InRange(counts["http://light.test"], 90, 110);
    }

    [Fact]
    public void A_deep_vllm_queue_or_a_full_kv_cache_steers_requests_away()
    {
        var queued = Replica("queued");
        var full = Replica("full");
        var idle = Replica("idle");
        queued.Snapshot = ReplicaSnapshot.NotProbedYet with { Load = new ReplicaLoad(Waiting: 20, Running: 8, KvCacheUsage: 0.3, _clock.GetUtcNow()) };
        full.Snapshot = ReplicaSnapshot.NotProbedYet with { Load = new ReplicaLoad(0, 8, KvCacheUsage: 0.99, _clock.GetUtcNow()) };
        var picker = new ReplicaPicker([queued, full, idle], random: new Random(3));

        var counts = Count(picker, 30, chosen => chosen.Enter());

        Assert.True(counts["http://idle.test"] > 15, $"idle got {counts["http://idle.test"]}");
        Assert.True(counts.GetValueOrDefault("http://full.test") > counts.GetValueOrDefault("http://queued.test"));
    }

    [Fact]
    public void An_ejected_replica_or_one_failing_its_probe_is_skipped()
    {
        var ejected = Replica("ejected");
        var unhealthy = Replica("unhealthy");
        var good = Replica("good");
        ejected.RecordGatewayFailure("test");
        unhealthy.Snapshot = ReplicaSnapshot.NotProbedYet with { ProbeOk = false, ProbeReason = "down" };
        var picker = new ReplicaPicker([ejected, unhealthy, good]);

        Assert.Equal(CircuitState.Open, ejected.Breaker.State);
        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(good, picker.Pick(Requests.Chat())));
        Assert.False(picker.Panicking);
    }

    [Fact]
    public void With_no_replica_in_service_it_routes_to_the_least_bad_one_and_says_so()
    {
        var worse = Replica("worse", threshold: 1);
        var bad = Replica("bad", threshold: 1);
        worse.RecordGatewayFailure("x");
        worse.RecordGatewayFailure("x");
        bad.RecordGatewayFailure("x");
        var picker = new ReplicaPicker([worse, bad]);
        var changes = new List<bool>();
        picker.PanicChanged += changes.Add;

        var chosen = picker.Pick(Requests.Chat());

        Assert.Same(bad, chosen);
        Assert.True(picker.Panicking);
        Assert.Equal(1, picker.PanicRoutes);
        Assert.Equal([true], changes);
    }

    [Fact]
    public void A_passing_probe_gives_an_ejected_replica_its_trial_at_once()
    {
        var replica = Replica("a");
        var other = Replica("b");
        Load(other, 10);
        replica.RecordGatewayFailure("x");
        var picker = new ReplicaPicker([replica, other]);
        Assert.Same(other, picker.Pick(Requests.Chat()));

        // What the replica's actor does when the probe it asked for passes.
        replica.ClearSuspicion();
        replica.Breaker.ProbePassed();

        Assert.Same(replica, picker.Pick(Requests.Chat()));
        Assert.Same(other, picker.Pick(Requests.Chat())); // only one trial until it succeeds
        replica.RecordSuccess();
        Assert.Same(replica, picker.Pick(Requests.Chat()));
    }

    [Fact]
    public void A_gateway_failure_below_the_threshold_keeps_new_requests_away_until_its_probe_answers()
    {
        var failed = Replica("failed", threshold: 5);
        var busy = Replica("busy");
        Load(busy, 10); // the failed replica has nothing in flight: least outstanding would pick it every time
        var picker = new ReplicaPicker([failed, busy]);

        failed.RecordGatewayFailure("connection refused");

        Assert.Equal(CircuitState.Closed, failed.Breaker.State);
        Assert.True(failed.Suspect);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Same(busy, picker.Pick(Requests.Chat())));

        failed.ClearSuspicion(); // its probe passed
        Assert.Same(failed, picker.Pick(Requests.Chat()));
    }

    [Fact]
    public void A_lora_adapter_routes_only_to_replicas_that_list_it()
    {
        var withAdapter = Replica("with");
        var without = Replica("without");
        withAdapter.Snapshot = ReplicaSnapshot.NotProbedYet with { ProbeOk = true, ServesModel = true, IsAdapter = true };
        without.Snapshot = ReplicaSnapshot.NotProbedYet with { ProbeOk = false, ServesModel = false };
        Load(withAdapter, 50);
        var picker = new ReplicaPicker([withAdapter, without]);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Same(withAdapter, picker.Pick(Requests.Chat())));
    }

    [Fact]
    public void A_replica_that_just_failed_the_request_is_avoided_when_another_exists()
    {
        var a = Replica("a");
        var b = Replica("b");
        Load(b, 10);
        var picker = new ReplicaPicker([a, b]);

        Assert.Same(b, picker.Pick(Requests.Chat(), exclude: a));
        Assert.Same(a, new ReplicaPicker([a]).Pick(Requests.Chat(), exclude: a));
    }
}
