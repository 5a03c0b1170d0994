using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Stages;

public class RequestPreparationStageSpec : Akka.TestKit.Xunit2.TestKit
{
    private static UpstreamEndpoint Endpoint(string url, UpstreamCircuitBreaker? breaker = null) =>
        new(new Uri(url), breaker ?? new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(30)));

    private async Task<IReadOnlyList<ProxyRequest>> RunAsync(RequestGateStage stage, IEnumerable<ProxyRequest> requests) =>
        await Source.From(requests).Via(stage).RunWith(Sink.Seq<ProxyRequest>(), Sys.Materializer());

    private static ModelRoute Route(string parser = "none", string upstreamModel = "m") => new()
    {
        ModelId = "m",
        UpstreamModel = upstreamModel,
        Endpoints = [Endpoint("http://a.test/")],
        ToolCallParser = parser,
    };

    [Fact]
    public async Task RequestPreparationStage_should_send_an_untouched_body_when_nothing_needs_changing()
    {
        var request = Requests.Chat(extra: "\"top_k\":3");

        var passed = Assert.Single(await RunAsync(new RequestPreparationStage(Route()), [request]));

        Assert.True(passed.UpstreamBody.Span.SequenceEqual(request.Body.Span));
        Assert.Null(passed.ResponseTransform);
    }

    [Fact]
    public async Task RequestPreparationStage_should_rewrite_tool_choice_and_attach_the_parser_for_a_parsed_model()
    {
        var request = Requests.Chat(extra: "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]");

        var passed = Assert.Single(await RunAsync(new RequestPreparationStage(Route("hermes", "Qwen/Qwen2.5-7B")), [request]));

        var body = Encoding.UTF8.GetString(passed.UpstreamBody.Span);
        Assert.Contains("\"tool_choice\":\"none\"", body, StringComparison.Ordinal);
        Assert.Contains("\"skip_special_tokens\":false", body, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"Qwen/Qwen2.5-7B\"", body, StringComparison.Ordinal);
        Assert.NotNull(passed.ResponseTransform);
    }

    [Fact]
    public async Task RequestPreparationStage_should_refuse_tools_for_a_model_nobody_parses_for()
    {
        var request = Requests.Chat(extra: "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");

        Assert.Empty(await RunAsync(new RequestPreparationStage(Route()), [request]));

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome);
        Assert.Equal(400, rejected.Error.Status);
        Assert.Equal("model_does_not_support_tools", rejected.Error.Code);
        Assert.Equal("tools", rejected.Error.Param);
    }

    [Fact]
    public async Task RequestPreparationStage_should_ask_for_usage_on_streams_and_mark_the_chunk_for_stripping()
    {
        var request = Requests.Chat(stream: true);

        var passed = Assert.Single(await RunAsync(new RequestPreparationStage(Route()), [request]));

        Assert.Contains("\"stream_options\":{\"include_usage\":true}", Encoding.UTF8.GetString(passed.UpstreamBody.Span), StringComparison.Ordinal);
        Assert.True(passed.StripUsageChunk);
    }

    [Fact]
    public void RequestPreparationStage_should_resolve_auto_from_the_upstream_model_name()
    {
        Assert.Equal("llama3_json", Route("auto", "meta-llama/Llama-3.1-8B-Instruct").Parser?.Name);
        Assert.Null(Route("auto", "some-unknown-model").Parser);
    }
}
