using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Stages;

public class BreakerStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private static UpstreamEndpoint Endpoint(string url, UpstreamCircuitBreaker? breaker = null) =>
        new(new Uri(url), breaker ?? new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30)));

    private async Task<IReadOnlyList<ProxyRequest>> RunAsync(RequestGateStage stage, IEnumerable<ProxyRequest> requests) =>
        await Source.From(requests).Via(stage).RunWith(Sink.Seq<ProxyRequest>(), Sys.Materializer());

    [Fact]
    public async Task BreakerStage_should_spread_requests_over_replicas_and_skip_an_open_one()
    {
        var open = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30));
        open.RecordFailure();
        var endpoints = new[] { Endpoint("http://a.test/"), Endpoint("http://b.test/", open), Endpoint("http://c.test/") };
        var requests = Enumerable.Range(0, 6).Select(_ => Requests.Chat()).ToList();

        var passed = await RunAsync(new BreakerStage(endpoints), requests);

        Assert.Equal(6, passed.Count);
        var used = passed.Select(r => r.Endpoint!.Label).ToList();
        Assert.DoesNotContain("http://b.test", used);
        Assert.Contains("http://a.test", used);
        Assert.Contains("http://c.test", used);
    }

    [Fact]
    public async Task BreakerStage_should_answer_503_with_retry_after_when_every_breaker_is_open()
    {
        var open = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30));
        open.RecordFailure();
        var request = Requests.Chat();

        var passed = await RunAsync(new BreakerStage([Endpoint("http://a.test/", open)]), [request]);

        Assert.Empty(passed);
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome);
        Assert.Equal(503, rejected.Error.Status);
        Assert.InRange(rejected.Error.RetryAfterSeconds ?? 0, 29, 30);
    }
}
