using System.Net;
using Akka.Streams;
using Gateway.Streams.Breaker;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Pipeline;

public class ModelPipelineSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public ModelPipelineSpec()
    {
    }

    /// <summary>With <paramref name="config"/> for the actor system (the same specs on another dispatcher).</summary>
    protected ModelPipelineSpec(string config)
        : base(config)
    {
    }

    private static ModelRoute Route(int maxInFlight = 4, int maxQueue = 16, string upstreamModel = "m", UpstreamCircuitBreaker? breaker = null) => new()
    {
        ModelId = "m",
        UpstreamModel = upstreamModel,
        Endpoints = [new UpstreamEndpoint(new Uri("http://upstream.test/"), breaker ?? new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
        MaxInFlight = maxInFlight,
        MaxQueue = maxQueue,
    };

    private ModelPipeline Materialize(ModelRoute route, FakeUpstreamHandler handler) =>
        ModelPipeline.Materialize(route, new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30)), Sys.Materializer());

    [Fact]
    public async Task A_request_flows_through_to_the_upstream_and_its_response_comes_back()
    {
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(FakeUpstreamHandler.Json(HttpStatusCode.OK, "{\"ok\":true}")));
        var pipeline = Materialize(Route(), handler);
        var request = Requests.Chat();

        Assert.True(pipeline.TryEnqueue(request));
        var outcome = await request.Outcome.WaitAsync(Wait);

        var responded = Assert.IsType<ProxyOutcome.Responded>(outcome);
        using var response = responded.Response;
        Assert.Equal("{\"ok\":true}", await response.Message.Content.ReadAsStringAsync());
        var sent = Assert.Single(handler.Received);
        Assert.Equal("/v1/chat/completions", sent.Path);
        Assert.Equal(request.RequestId, sent.RequestId);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(request.Body.Span), sent.Body);
        request.Release();
    }

    [Fact]
    public async Task The_model_name_is_mapped_to_the_upstream_name_and_other_fields_pass_untouched()
    {
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(FakeUpstreamHandler.Json(HttpStatusCode.OK, "{}")));
        var pipeline = Materialize(Route(upstreamModel: "Qwen/Qwen2.5-7B"), handler);
        var request = Requests.Chat(extra: "\"top_k\":5,\"guided_json\":{\"type\":\"object\"},\"chat_template_kwargs\":{\"x\":true}");

        pipeline.TryEnqueue(request);
        var responded = Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait));
        responded.Response.Dispose();

        var body = Assert.Single(handler.Received).Body;
        Assert.Contains("\"model\":\"Qwen/Qwen2.5-7B\"", body, StringComparison.Ordinal);
        Assert.Contains("\"top_k\":5", body, StringComparison.Ordinal);
        Assert.Contains("\"guided_json\":{\"type\":\"object\"}", body, StringComparison.Ordinal);
        Assert.Contains("\"chat_template_kwargs\":{\"x\":true}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queued_request_whose_client_leaves_gives_its_place_back_at_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 2), handler);
        Assert.True(pipeline.TryEnqueue(Requests.Chat()));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);
        using var leaves = new CancellationTokenSource();
        var queued = Enumerable.Range(0, 2).Select(_ => Requests.Chat(aborted: leaves.Token)).ToList();
        queued.ForEach(r => Assert.True(pipeline.TryEnqueue(r)));
        Assert.Equal(2, pipeline.Queued);
        Assert.False(pipeline.TryEnqueue(Requests.Chat()));

        await leaves.CancelAsync();

        // Removed on the cancellation itself, not when a slot frees: the place is free before any wait.
        Assert.Equal(0, pipeline.Queued);
        Assert.All(queued, r => Assert.Equal(499, Assert.IsType<ProxyOutcome.Rejected>(r.Outcome.Result).Error.Status));
        Assert.True(pipeline.TryEnqueue(Requests.Chat()));
        release.SetResult();
    }

    [Fact]
    public async Task A_queued_request_that_times_out_gives_its_place_back_at_once_and_is_never_sent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 1), handler);
        var first = Requests.Chat();
        Assert.True(pipeline.TryEnqueue(first));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);
        var queued = Requests.Chat();
        Assert.True(pipeline.TryEnqueue(queued));
        Assert.False(pipeline.TryEnqueue(Requests.Chat()));

        Assert.True(queued.TryExpireInQueue(GatewayError.QueueTimeout("The request waited too long in the model's queue; retry later.", 1)));

        // Withdrawn on the expiry itself, not when a slot frees.
        Assert.Equal(0, pipeline.Queued);
        Assert.Equal("queue_timeout", Assert.IsType<ProxyOutcome.Rejected>(queued.Outcome.Result).Error.Code);
        var next = Requests.Chat();
        Assert.True(pipeline.TryEnqueue(next));

        release.SetResult();
        ((ProxyOutcome.Responded)await first.Outcome.WaitAsync(Wait)).Response.Dispose();
        first.Release();
        ((ProxyOutcome.Responded)await next.Outcome.WaitAsync(Wait)).Response.Dispose();
        next.Release();
        Assert.DoesNotContain(handler.Received, r => r.RequestId == queued.RequestId);
    }

    [Fact]
    public async Task Draining_refuses_new_requests_serves_the_queued_ones_then_completes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 4), handler);
        var admitted = Enumerable.Range(0, 3).Select(_ => Requests.Chat()).ToList();
        admitted.ForEach(r => Assert.True(pipeline.TryEnqueue(r)));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);

        pipeline.Drain();

        Assert.False(pipeline.IsOpen);
        Assert.False(pipeline.TryEnqueue(Requests.Chat()));
        release.SetResult();
        foreach (var request in admitted)
        {
            ((ProxyOutcome.Responded)await request.Outcome.WaitAsync(Wait)).Response.Dispose();
            request.Release();
        }

        await pipeline.Completion.WaitAsync(Wait);
        Assert.Equal(3, handler.Received.Count);
    }

    [Fact]
    public async Task The_next_free_slot_goes_to_the_key_with_the_least_service()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 16), handler);
        var first = Requests.Chat(key: "busy");
        Assert.True(pipeline.TryEnqueue(first));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);
        var busy = Enumerable.Range(0, 5).Select(_ => Requests.Chat(key: "busy", promptEstimate: 100)).ToList();
        busy.ForEach(r => Assert.True(pipeline.TryEnqueue(r)));
        var quiet = Requests.Chat(key: "quiet", promptEstimate: 100);
        Assert.True(pipeline.TryEnqueue(quiet));

        release.SetResult();
        var all = busy.Append(quiet).Prepend(first).ToDictionary(r => r.RequestId);
        for (var i = 0; i < all.Count; i++)
        {
            await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count > i), Wait);
            var sent = all[handler.Received.ElementAt(i).RequestId!];
            ((ProxyOutcome.Responded)await sent.Outcome.WaitAsync(Wait)).Response.Dispose();
            sent.Release();
        }

        // The quiet key, which arrived last, went out right after the request already in flight (or one of busy's at most).
        var sentOrder = handler.Received.Select(r => r.RequestId).ToList();
        Assert.InRange(sentOrder.IndexOf(quiet.RequestId), 1, 2);
    }

    [Fact]
    public async Task In_flight_requests_never_exceed_the_admission_bound()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 2, maxQueue: 32), handler);
        var requests = Enumerable.Range(0, 6).Select(_ => Requests.Chat()).ToList();
        requests.ForEach(r => Assert.True(pipeline.TryEnqueue(r)));

        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 2), Wait);
        Assert.Equal(2, handler.Received.Count);
        Assert.All(requests.Skip(2), r => Assert.False(r.Outcome.IsCompleted));

        release.SetResult();
        foreach (var request in requests)
        {
            var outcome = await request.Outcome.WaitAsync(Wait);
            ((ProxyOutcome.Responded)outcome).Response.Dispose();
            request.Release();
        }

        Assert.Equal(6, handler.Received.Count);
        Assert.Equal(2, handler.MaxActive);
    }

    [Fact]
    public async Task A_full_queue_refuses_new_requests_at_once()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 2), handler);
        Assert.True(pipeline.TryEnqueue(Requests.Chat()));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);

        var accepted = 0;
        for (var i = 0; i < 50; i++)
        {
            accepted += pipeline.TryEnqueue(Requests.Chat()) ? 1 : 0;
        }

        // The queue holds maxQueue waiting requests (plus at most a few already pulled into the stages).
        Assert.InRange(accepted, 2, 6);
        release.SetResult();
    }

    [Fact]
    public async Task Gateway_failures_eject_a_lone_replica_but_panic_routing_keeps_it_serving_and_500s_never_eject()
    {
        var status = HttpStatusCode.BadGateway;
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(FakeUpstreamHandler.Json(status, "")));
        var breaker = new UpstreamCircuitBreaker(2, TimeSpan.FromSeconds(30));
        var pipeline = Materialize(Route(breaker: breaker), handler);

        async Task<int> SendAsync()
        {
            var request = Requests.Chat();
            pipeline.TryEnqueue(request);
            return ((ProxyOutcome.Rejected)await request.Outcome.WaitAsync(Wait)).Error.Status;
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(502, await SendAsync());
        }

        Assert.Equal(4, handler.Received.Count); // ejected after two, yet still tried: it is the only replica
        Assert.Equal(CircuitState.Open, breaker.State);

        var fresh = new UpstreamCircuitBreaker(2, TimeSpan.FromSeconds(30));
        status = HttpStatusCode.InternalServerError;
        pipeline = Materialize(Route(breaker: fresh), handler);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(502, await SendAsync());
        }

        Assert.Equal(CircuitState.Closed, fresh.State);
    }

    [Fact]
    public async Task Upstream_client_errors_keep_their_status_and_message()
    {
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(FakeUpstreamHandler.Json(
            HttpStatusCode.BadRequest,
            "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}")));
        var pipeline = Materialize(Route(), handler);
        var request = Requests.Chat();
        pipeline.TryEnqueue(request);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal(400, rejected.Error.Status);
        Assert.Equal("upstream_client_error", rejected.Error.Code);
        Assert.Equal("This model's maximum context length is 8192 tokens.", rejected.Error.Message);
    }

    [Fact]
    public async Task An_unreachable_upstream_gives_502_upstream_unavailable()
    {
        var handler = new FakeUpstreamHandler((_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var pipeline = Materialize(Route(), handler);
        var request = Requests.Chat();
        pipeline.TryEnqueue(request);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal(502, rejected.Error.Status);
        Assert.Equal("upstream_unavailable", rejected.Error.Code);
        Assert.Contains("not reachable", rejected.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_whose_client_left_while_queued_is_never_sent()
    {
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(FakeUpstreamHandler.Json(HttpStatusCode.OK, "{}")));
        var pipeline = Materialize(Route(), handler);
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var request = Requests.Chat(aborted: gone.Token);
        pipeline.TryEnqueue(request);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal(499, rejected.Error.Status);
        Assert.Empty(handler.Received);
    }

    [Fact]
    public async Task Closing_the_pipeline_answers_the_queued_requests()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var pipeline = Materialize(Route(maxInFlight: 1, maxQueue: 8), handler);
        var requests = Enumerable.Range(0, 8).Select(_ => Requests.Chat()).ToList();
        requests.ForEach(r => pipeline.TryEnqueue(r));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);

        pipeline.Close(GatewayError.Overloaded("shutting down", 1));
        release.SetResult();

        foreach (var request in requests)
        {
            var outcome = await request.Outcome.WaitAsync(Wait);
            (outcome as ProxyOutcome.Responded)?.Response.Dispose();
            request.Release();
        }

        Assert.False(pipeline.TryEnqueue(Requests.Chat()));
    }
}
