using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Stages;

public class ThrottleStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private async Task<IReadOnlyList<ProxyRequest>> RunAsync(RequestGateStage stage, IEnumerable<ProxyRequest> requests) =>
        await Source.From(requests).Via(stage).RunWith(Sink.Seq<ProxyRequest>(), Sys.Materializer());

    [Fact]
    public async Task ThrottleStage_should_pass_admitted_requests_and_answer_the_rest_with_429()
    {
        var limiter = new TokenBucketRateLimiter(2, 10, TimeSpan.FromHours(1), new ManualTimeProvider());
        var requests = new[] { Requests.Chat(key: "a"), Requests.Chat(key: "a"), Requests.Chat(key: "a"), Requests.Chat(key: "b") };

        var passed = await RunAsync(new ThrottleStage(limiter), requests);

        Assert.Equal([requests[0], requests[1], requests[3]], passed);
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await requests[2].Outcome);
        Assert.Equal(429, rejected.Error.Status);
        Assert.True(requests[2].Finished.IsCompleted);
    }
}
