using System.Net;
using Gateway.Streams.Breaker;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Upstream;

/// <summary>
/// Retries happen only before the first byte (while no response was handed to the client), only for gateway
/// failures and 429/503, always on another replica, at most <see cref="DispatchPolicy.MaxRetries"/> times and
/// within the model's <see cref="RetryBudget"/>; a client that leaves while its request is retried aborts it.
/// </summary>
public sealed class VllmDispatcherRetrySpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _asked = new();

    private UpstreamEndpoint Replica(string name) =>
        new(new Uri($"http://{name}.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: _clock));

    /// <summary>Each replica (by host) answers with its own function.</summary>
    private FakeUpstreamHandler Upstream(Dictionary<string, Func<CancellationToken, Task<HttpResponseMessage>>> byHost) =>
        new((request, ct) =>
        {
            var name = request.RequestUri!.Host.Split('.')[0];
            _asked.Enqueue(name);
            return byHost[name](ct);
        });

    private static Task<HttpResponseMessage> Answer(HttpStatusCode status, string json = """{"id":"x"}""") =>
        Task.FromResult(FakeUpstreamHandler.Json(status, json));

    /// <summary>A request already routed to <paramref name="first"/> by <paramref name="picker"/>, as the picker stage leaves it.</summary>
    private static ProxyRequest Routed(ReplicaPicker picker, UpstreamEndpoint first, bool stream = false, CancellationToken aborted = default)
    {
        var request = Requests.Chat(aborted: aborted, stream: stream);
        request.UpstreamBody = request.Body;
        picker.RetryBudget.RecordRequest();
        request.Endpoint = first;
        request.Replicas = picker;
        return request;
    }

    private static async Task<ProxyOutcome> DispatchAsync(FakeUpstreamHandler handler, ProxyRequest request, int maxRetries = 2)
    {
        var dispatcher = new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30), policy: new DispatchPolicy { MaxRetries = maxRetries });
        _ = dispatcher.DispatchAsync(request);
        var outcome = await request.Outcome.WaitAsync(Wait);
        if (outcome is ProxyOutcome.Responded responded)
        {
            responded.Response.Dispose();
            request.Release(); // the relay is done with it
        }

        return outcome;
    }

    public static TheoryData<string> RetriedFailures => ["503", "502", "504", "429", "refused", "reset"];

    [Theory]
    [MemberData(nameof(RetriedFailures))]
    public async Task A_gateway_failure_or_a_429_or_503_is_retried_once_on_another_replica_with_the_same_body(string failure)
    {
        var (a, b) = (Replica("a"), Replica("b"));
        var picker = new ReplicaPicker([a, b]);
        var handler = Upstream(new()
        {
            ["a"] = _ => failure switch
            {
                "refused" => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"),
                "reset" => throw new HttpRequestException(HttpRequestError.ResponseEnded, "reset before headers"),
                _ => Answer((HttpStatusCode)int.Parse(failure, System.Globalization.CultureInfo.InvariantCulture), """{"object":"error","message":"busy"}"""),
            },
            ["b"] = _ => Answer(HttpStatusCode.OK),
        });
        var request = Routed(picker, a);

        Assert.IsType<ProxyOutcome.Responded>(await DispatchAsync(handler, request));

        Assert.Equal(1, request.Retries);
        Assert.Same(b, request.Endpoint); // the replica that answered
        Assert.Equal(1, b.Retries);
        Assert.Equal(["a", "b"], _asked);
        Assert.All(handler.Received, r => Assert.Equal(System.Text.Encoding.UTF8.GetString(request.Body.Span), r.Body));
        Assert.Equal((0, 0), (a.InFlight, b.InFlight));
    }

    [Theory]
    [InlineData(500, 502)] // vLLM's request-specific 500 reaches the client as 502
    [InlineData(400, 400)]
    [InlineData(404, 404)]
    [InlineData(422, 422)]
    public async Task A_500_or_a_client_error_is_never_retried(int status, int answered)
    {
        var (a, b) = (Replica("a"), Replica("b"));
        var handler = Upstream(new()
        {
            ["a"] = _ => Answer((HttpStatusCode)status, """{"object":"error","message":"bad","type":"BadRequestError","code":400}"""),
            ["b"] = _ => Answer(HttpStatusCode.OK),
        });
        var request = Routed(new ReplicaPicker([a, b]), a);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await DispatchAsync(handler, request));

        Assert.Equal(answered, rejected.Error.Status);
        Assert.Equal(["a"], _asked);
        Assert.Equal(0, request.Retries);
    }

    [Fact]
    public async Task Retries_stop_at_the_per_request_bound_each_on_a_replica_not_tried_yet()
    {
        var replicas = new[] { Replica("a"), Replica("b"), Replica("c"), Replica("d") };
        var handler = Upstream(replicas.ToDictionary(r => r.BaseUri.Host.Split('.')[0], _ => (Func<CancellationToken, Task<HttpResponseMessage>>)(_ => Answer(HttpStatusCode.ServiceUnavailable))));
        var request = Routed(new ReplicaPicker(replicas, retryBudget: new RetryBudget(1, 100, _clock)), replicas[0]);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await DispatchAsync(handler, request, maxRetries: 2));

        Assert.Equal(503, rejected.Error.Status);
        Assert.Equal(2, request.Retries);
        Assert.Equal(3, _asked.Count);              // the first attempt and two retries
        Assert.Equal(3, _asked.Distinct().Count()); // each on a replica not tried yet
    }

    [Fact]
    public async Task Retries_stop_when_the_models_retry_budget_is_spent_and_come_back_as_the_window_slides()
    {
        var (a, b) = (Replica("a"), Replica("b"));
        var picker = new ReplicaPicker([a, b], retryBudget: new RetryBudget(ratio: 0, minimumPerWindow: 1, time: _clock));
        var handler = Upstream(new() { ["a"] = _ => Answer(HttpStatusCode.ServiceUnavailable), ["b"] = _ => Answer(HttpStatusCode.OK) });

        Assert.IsType<ProxyOutcome.Responded>(await DispatchAsync(handler, Routed(picker, a))); // the window's one retry

        var refused = Routed(picker, a);
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await DispatchAsync(handler, refused));
        Assert.Equal(503, rejected.Error.Status);
        Assert.Equal(0, refused.Retries);
        Assert.Equal(1, picker.RetriesRefused);

        _clock.Advance(TimeSpan.FromSeconds(10)); // the ten-second window moved past that retry
        Assert.IsType<ProxyOutcome.Responded>(await DispatchAsync(handler, Routed(picker, a)));
    }

    [Fact]
    public async Task A_single_replica_is_never_retried()
    {
        var a = Replica("a");
        var handler = Upstream(new() { ["a"] = _ => Answer(HttpStatusCode.ServiceUnavailable) });
        var request = Routed(new ReplicaPicker([a]), a);

        Assert.IsType<ProxyOutcome.Rejected>(await DispatchAsync(handler, request));
        Assert.Single(handler.Received);
    }

    [Fact]
    public async Task Once_a_response_was_handed_over_nothing_is_retried_even_if_its_body_then_fails()
    {
        var (a, b) = (Replica("a"), Replica("b"));
        var handler = Upstream(new()
        {
            ["a"] = _ =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StreamContent(new ChunkedStream([], new IOException("connection reset mid-body"))),
                };
                response.Content.Headers.ContentType = new("text/event-stream");
                return Task.FromResult(response);
            },
            ["b"] = _ => Answer(HttpStatusCode.OK),
        });
        var request = Routed(new ReplicaPicker([a, b]), a);

        Assert.IsType<ProxyOutcome.Responded>(await DispatchAsync(handler, request));
        Assert.Equal(["a"], _asked);
        Assert.Equal(0, request.Retries);
    }

    public static TheoryData<string> BrokenBeforeTheFirstEvent => ["ended", "reset", "half an event"];

    [Theory]
    [MemberData(nameof(BrokenBeforeTheFirstEvent))]
    public async Task A_stream_that_breaks_before_its_first_event_is_retried_like_a_plain_request(string how)
    {
        var (a, b) = (Replica("a"), Replica("b"));
        const string Events = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\r\n\r\ndata: [DONE]\r\n\r\n";
        var handler = Upstream(new()
        {
            ["a"] = _ => Task.FromResult(EventStream(how switch
            {
                "ended" => new ChunkedStream([]),
                "reset" => new ChunkedStream([], new IOException("connection reset")),
                _ => new ChunkedStream([System.Text.Encoding.UTF8.GetBytes("data: {\"choi")]),
            })),
            ["b"] = _ => Task.FromResult(EventStream(new ChunkedStream([System.Text.Encoding.UTF8.GetBytes(Events[..20]), System.Text.Encoding.UTF8.GetBytes(Events[20..])]))),
        });
        var request = Routed(new ReplicaPicker([a, b]), a, stream: true);
        var dispatcher = new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30));

        _ = dispatcher.DispatchAsync(request);
        var responded = Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait));

        Assert.Same(b, request.Endpoint);
        Assert.Equal(1, request.Retries);
        Assert.Equal(1, a.GatewayFailures);
        // The first event was read to decide, and is still there for the relay, followed by the rest.
        using (var relayed = new StreamReader(await responded.Response.OpenBodyAsync(CancellationToken.None)))
        {
            Assert.Equal(Events, await relayed.ReadToEndAsync());
        }

        Assert.Equal("text/event-stream", responded.Response.ContentType);
        responded.Response.Dispose();
        request.Release();
    }

    private static HttpResponseMessage EventStream(Stream body)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new("text/event-stream");
        return response;
    }

    [Fact]
    public async Task A_client_that_leaves_while_its_request_is_retried_aborts_the_retry_and_frees_its_slot()
    {
        using var client = new CancellationTokenSource();
        var (a, b) = (Replica("a"), Replica("b"));
        var retryCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = Upstream(new()
        {
            ["a"] = _ => Answer(HttpStatusCode.ServiceUnavailable),
            ["b"] = async ct =>
            {
                await client.CancelAsync(); // the client hangs up while the retry waits for b's headers
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
                catch (OperationCanceledException)
                {
                    retryCancelled.SetResult();
                    throw;
                }

                throw new InvalidOperationException("unreachable");
            },
        });
        var request = Routed(new ReplicaPicker([a, b]), a, aborted: client.Token);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await DispatchAsync(handler, request));

        Assert.True(rejected.Error.IsClientClosed);
        await retryCancelled.Task.WaitAsync(Wait); // the upstream request to b was aborted
        Assert.True(request.Finished.IsCompleted);  // the admission slot is free
        Assert.Equal((0, 0), (a.InFlight, b.InFlight));
        Assert.Equal(0, b.Breaker.ConsecutiveFailures); // a client leaving never counts against the replica
        Assert.Equal(0, b.GatewayFailures);
    }
}
