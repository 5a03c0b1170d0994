using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Breaker;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Stages;

public class ReplicaPickerStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly ManualTimeProvider _clock = new();

    private UpstreamEndpoint Replica(string name, double weight = 1) =>
        new(new Uri($"http://{name}.test/"), new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30), time: _clock), weight);

    private async Task<IReadOnlyList<ProxyRequest>> RunAsync(ReplicaPicker picker, int count, Action<ProxyRequest>? onEach = null) =>
        await Source.From(Enumerable.Range(0, count).Select(_ => Requests.Chat()))
            .Via(new ReplicaPickerStage(picker))
            .Select(r =>
            {
                onEach?.Invoke(r);
                return r;
            })
            .RunWith(Sink.Seq<ProxyRequest>(), Sys.Materializer());

    [Fact]
    public async Task ReplicaPickerStage_should_route_each_request_to_the_least_loaded_replica_by_weight_and_let_it_retry()
    {
        var (a, b, c) = (Replica("a"), Replica("b", weight: 2), Replica("c"));
        for (var i = 0; i < 6; i++)
        {
            a.Enter(); // skewed: a is busy, b (weight 2) and c idle
        }

        var picker = new ReplicaPicker([a, b, c], random: new Random(5));

        // Each request stays in flight on its replica, so the load keeps moving as the stage picks.
        var routed = await RunAsync(picker, 30, r => r.Endpoint!.Enter());

        Assert.All(routed, r => Assert.Same(picker, r.Replicas));
        var counts = routed.GroupBy(r => r.Endpoint!.Label).ToDictionary(g => g.Key, g => g.Count());
        // Ending at a=6 (+0..1), b≈2×c: b takes about twice c's share; a, already busy, takes almost nothing.
        Assert.InRange(counts.GetValueOrDefault("http://a.test"), 0, 4);
        Assert.InRange(counts["http://b.test"], 16, 20);
        Assert.InRange(counts["http://c.test"], 8, 11);
    }

    [Fact]
    public async Task ReplicaPickerStage_should_never_refuse_a_request_even_with_every_replica_ejected()
    {
        var (a, b) = (Replica("a"), Replica("b"));
        a.RecordGatewayFailure("test");
        b.RecordGatewayFailure("test");
        Assert.Equal((CircuitState.Open, CircuitState.Open), (a.Breaker.State, b.Breaker.State));
        var picker = new ReplicaPicker([a, b]);

        var routed = await RunAsync(picker, 4);

        Assert.Equal(4, routed.Count);
        Assert.All(routed, r => Assert.False(r.Outcome.IsCompleted)); // passed on, not answered
        Assert.True(picker.Panicking);
        Assert.Equal(4, picker.PanicRoutes);
    }
}
