using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Breaker;
using Gateway.Streams.Limits;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Stages;

public class AdmissionStagesSpec : Akka.TestKit.Xunit2.TestKit
{
    private static UpstreamEndpoint Endpoint(string url, UpstreamCircuitBreaker? breaker = null) =>
        new(new Uri(url), breaker ?? new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30)));

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

    private static ModelRoute Route(string parser = "none", string upstreamModel = "m") => new()
    {
        ModelId = "m",
        UpstreamModel = upstreamModel,
        Endpoints = [Endpoint("http://a.test/")],
        ToolCallParser = parser,
    };

    [Fact]
    public async Task ToolCallStage_should_send_an_untouched_body_when_nothing_needs_changing()
    {
        var request = Requests.Chat(extra: "\"top_k\":3");

        var passed = Assert.Single(await RunAsync(new ToolCallStage(Route()), [request]));

        Assert.True(passed.UpstreamBody.Span.SequenceEqual(request.Body.Span));
        Assert.Null(passed.ResponseTransform);
    }

    [Fact]
    public async Task ToolCallStage_should_rewrite_tool_choice_and_attach_the_parser_for_a_parsed_model()
    {
        var request = Requests.Chat(extra: "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]");

        var passed = Assert.Single(await RunAsync(new ToolCallStage(Route("hermes", "Qwen/Qwen2.5-7B")), [request]));

        var body = Encoding.UTF8.GetString(passed.UpstreamBody.Span);
        Assert.Contains("\"tool_choice\":\"none\"", body, StringComparison.Ordinal);
        Assert.Contains("\"skip_special_tokens\":false", body, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"Qwen/Qwen2.5-7B\"", body, StringComparison.Ordinal);
        Assert.NotNull(passed.ResponseTransform);
    }

    [Fact]
    public async Task ToolCallStage_should_refuse_tools_for_a_model_nobody_parses_for()
    {
        var request = Requests.Chat(extra: "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");

        Assert.Empty(await RunAsync(new ToolCallStage(Route()), [request]));

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome);
        Assert.Equal(400, rejected.Error.Status);
        Assert.Equal("model_does_not_support_tools", rejected.Error.Code);
        Assert.Equal("tools", rejected.Error.Param);
    }

    [Fact]
    public async Task ToolCallStage_should_ask_for_usage_on_streams_and_mark_the_chunk_for_stripping()
    {
        var request = Requests.Chat(stream: true);

        var passed = Assert.Single(await RunAsync(new ToolCallStage(Route()), [request]));

        Assert.Contains("\"stream_options\":{\"include_usage\":true}", Encoding.UTF8.GetString(passed.UpstreamBody.Span), StringComparison.Ordinal);
        Assert.True(passed.StripUsageChunk);
    }

    [Fact]
    public void ToolCallStage_should_resolve_auto_from_the_upstream_model_name()
    {
        Assert.Equal("llama3_json", Route("auto", "meta-llama/Llama-3.1-8B-Instruct").Parser?.Name);
        Assert.Null(Route("auto", "some-unknown-model").Parser);
    }
}
