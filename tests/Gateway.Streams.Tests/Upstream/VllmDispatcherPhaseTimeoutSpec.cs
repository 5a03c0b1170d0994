using System.Net;
using Gateway.Streams.Breaker;
using Gateway.Streams.Picking;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Streams.Tests.Upstream;

/// <summary>
/// The phases the dispatcher times on the injected clock: connect, time to first token (response headers of a plain
/// request) and total, each with its own code, a model's own value winning over the default, and none of them
/// confused with a client that left.
/// </summary>
public sealed class VllmDispatcherPhaseTimeoutSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();
    private int _asked;

    private UpstreamEndpoint Replica(string name) =>
        new(new Uri($"http://{name}.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: _clock));

    /// <summary>Replica "slow" never answers (until cancelled); any other answers 200 at once.</summary>
    private FakeUpstreamHandler Upstream() => new(async (request, ct) =>
    {
        Interlocked.Increment(ref _asked);
        if (request.RequestUri!.Host.StartsWith("slow", StringComparison.Ordinal))
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
        }

        return FakeUpstreamHandler.Json(HttpStatusCode.OK, "{}");
    });

    private ProxyRequest Dispatch(FakeUpstreamHandler handler, UpstreamEndpoint[] replicas, PhaseTimeouts? own = null, CancellationToken aborted = default)
    {
        var dispatcher = new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(600), _clock, new DispatchPolicy { TtftTimeout = TimeSpan.FromSeconds(5) });
        var picker = new ReplicaPicker(replicas);
        var chat = Requests.Chat(aborted: aborted);
        var request = new ProxyRequest
        {
            ModelId = chat.ModelId,
            Path = chat.Path,
            Body = chat.Body,
            Json = chat.Json,
            RateLimitKey = chat.RateLimitKey,
            RequestId = chat.RequestId,
            ClientAborted = aborted,
            Timeouts = own ?? PhaseTimeouts.Defaults,
            UpstreamBody = chat.Body,
            Endpoint = replicas[0],
            Replicas = picker,
        };
        _ = dispatcher.DispatchAsync(request);
        return request;
    }

    private async Task AskedAsync(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (Volatile.Read(ref _asked) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "the upstream was not asked in time");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task No_headers_within_the_ttft_timeout_is_upstream_ttft_timeout_a_gateway_failure()
    {
        var slow = Replica("slow");
        var request = Dispatch(Upstream(), [slow]);
        await AskedAsync(1);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(request.Outcome.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal((504, "upstream_ttft_timeout"), (rejected.Error.Status, rejected.Error.Code));
        Assert.Equal(1, slow.GatewayFailures);
    }

    [Fact]
    public async Task A_ttft_timeout_is_retried_on_a_healthy_replica()
    {
        var (slow, fast) = (Replica("slow"), Replica("fast"));
        var request = Dispatch(Upstream(), [slow, fast]);
        await AskedAsync(1);

        _clock.Advance(TimeSpan.FromSeconds(5));

        var responded = Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait));
        responded.Response.Dispose();
        request.Release();
        Assert.Same(fast, request.Endpoint);
        Assert.Equal(1, request.Retries);
    }

    [Fact]
    public async Task A_models_own_ttft_timeout_wins_over_the_default()
    {
        var request = Dispatch(Upstream(), [Replica("slow")], new PhaseTimeouts { Ttft = TimeSpan.FromSeconds(1) });
        await AskedAsync(1);

        _clock.Advance(TimeSpan.FromSeconds(1));

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal("upstream_ttft_timeout", rejected.Error.Code);
        Assert.Contains("within 1 s", rejected.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_models_own_total_timeout_ends_the_request_with_upstream_timeout_and_never_counts_against_the_replica()
    {
        var slow = Replica("slow");
        var request = Dispatch(Upstream(), [slow], new PhaseTimeouts { Total = TimeSpan.FromSeconds(3), Ttft = TimeSpan.FromSeconds(60) });
        await AskedAsync(1);

        _clock.Advance(TimeSpan.FromSeconds(3));

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal((504, "upstream_timeout"), (rejected.Error.Status, rejected.Error.Code));
        Assert.Equal(0, slow.GatewayFailures); // the request ran out of time: the replica was not judged
    }

    [Fact]
    public async Task A_connect_timeout_is_upstream_connect_timeout_and_names_the_models_own_value()
    {
        // What SocketsHttpHandler throws when the connect callback gives up: a TimeoutException inside.
        var handler = new FakeUpstreamHandler((request, _) =>
        {
            Assert.True(request.Options.TryGetValue(UpstreamHttpClient.ConnectTimeoutOption, out var connect));
            Assert.Equal(TimeSpan.FromSeconds(2), connect); // the model's own value reaches the connection
            throw new HttpRequestException(HttpRequestError.ConnectionError, "connect", new TimeoutException());
        });
        var replica = Replica("a");
        var request = Dispatch(handler, [replica], new PhaseTimeouts { Connect = TimeSpan.FromSeconds(2) });

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal((504, "upstream_connect_timeout"), (rejected.Error.Status, rejected.Error.Code));
        Assert.Contains("within 2 s", rejected.Error.Message, StringComparison.Ordinal);
        Assert.Equal(1, replica.GatewayFailures);
    }

    [Fact]
    public async Task A_request_with_the_default_connect_timeout_leaves_it_to_the_client()
    {
        var carried = true;
        var handler = new FakeUpstreamHandler((request, _) =>
        {
            carried = request.Options.TryGetValue(UpstreamHttpClient.ConnectTimeoutOption, out TimeSpan _);
            return Task.FromResult(FakeUpstreamHandler.Json(HttpStatusCode.OK, "{}"));
        });

        var request = Dispatch(handler, [Replica("a")]);

        Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait)).Response.Dispose();
        Assert.False(carried); // the client was created with the policy's timeout: nothing to carry per request
        request.Release();
    }

    [Fact]
    public async Task A_client_that_leaves_while_waiting_for_headers_is_a_client_cancellation_not_a_timeout()
    {
        using var client = new CancellationTokenSource();
        var slow = Replica("slow");
        var request = Dispatch(Upstream(), [slow], aborted: client.Token);
        await AskedAsync(1);

        await client.CancelAsync();

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.True(rejected.Error.IsClientClosed);
        Assert.Equal(0, slow.GatewayFailures);
        Assert.Equal(0, slow.InFlight);
    }

    [Fact]
    public async Task A_request_that_expired_in_the_queue_is_answered_queue_timeout_and_never_sent()
    {
        var handler = Upstream();
        var chat = Requests.Chat();
        Assert.True(chat.TryExpireInQueue(GatewayError.QueueTimeout("waited too long", 1)));
        chat.UpstreamBody = chat.Body;
        chat.Endpoint = Replica("a");

        await new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30), _clock).DispatchAsync(chat).WaitAsync(Wait);

        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await chat.Outcome);
        Assert.Equal((503, "queue_timeout", 1), (rejected.Error.Status, rejected.Error.Code, rejected.Error.RetryAfterSeconds));
        Assert.Equal(0, _asked);
    }
}
