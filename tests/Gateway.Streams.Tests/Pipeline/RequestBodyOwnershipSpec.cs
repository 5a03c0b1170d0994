using Gateway.Streams.Stages;
using System.Text;
using System.Text.Json;
using Akka.Streams;
using Gateway.Streams.Breaker;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Pipeline;

/// <summary>The request owns its parsed body: alive through every stage, disposed once when the request is finished.</summary>
public class RequestBodyOwnershipSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static ProxyRequest Owned(string id, CancellationToken aborted = default)
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var document = JsonDocument.Parse(body);
        return new ProxyRequest
        {
            ModelId = "m",
            Path = "/v1/chat/completions",
            Body = body,
            Json = document.RootElement,
            ParsedBody = document,
            RateLimitKey = "k",
            RequestId = id,
            ClientAborted = aborted,
        };
    }

    private static bool Disposed(ProxyRequest request)
    {
        try
        {
            _ = request.Json.GetProperty("model");
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    [Fact]
    public async Task A_client_leaving_while_queued_behind_a_held_upstream_is_removed_and_its_body_freed_while_the_pipeline_carries_on()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = FakeUpstreamHandler.Held(release);
        var route = new ModelRoute
        {
            ModelId = "m",
            UpstreamModel = "vllm-m", // the preparation stage rewrites the body, reading the parsed document
            Endpoints = [new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
            MaxInFlight = 1,
            MaxQueue = 8,
        };
        var pipeline = ModelPipeline.Materialize(route, new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30)), Sys.Materializer());

        var first = Owned("first");
        Assert.True(pipeline.TryEnqueue(first));
        await AwaitConditionAsync(() => Task.FromResult(handler.Received.Count == 1), Wait);

        using var leaving = new CancellationTokenSource();
        var queued = Owned("queued", leaving.Token);
        Assert.True(pipeline.TryEnqueue(queued));
        await leaving.CancelAsync();

        // The client is gone: the request left the queue at once (no stage holds it), so it is answered and its body freed now.
        var queuedOutcome = Assert.IsType<ProxyOutcome.Rejected>(await queued.Outcome.WaitAsync(Wait));
        Assert.True(queuedOutcome.Error.IsClientClosed);
        Assert.True(Disposed(queued));
        Assert.Equal(0, pipeline.Queued);
        queued.Release(); // what the HTTP side's abandon path does: a second finish is harmless

        release.SetResult();
        var firstOutcome = Assert.IsType<ProxyOutcome.Responded>(await first.Outcome.WaitAsync(Wait));
        Assert.False(Disposed(first));
        firstOutcome.Response.Dispose();
        first.Release();
        Assert.True(Disposed(first));

        // The slot is free again, and a later request is prepared from its intact body.
        var next = Owned("next");
        Assert.True(pipeline.TryEnqueue(next));
        var nextOutcome = Assert.IsType<ProxyOutcome.Responded>(await next.Outcome.WaitAsync(Wait));
        nextOutcome.Response.Dispose();
        next.Release();
        Assert.Equal(2, handler.Received.Count);
        Assert.All(handler.Received, r => Assert.Contains("\"model\":\"vllm-m\"", r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void Finishing_a_request_disposes_its_body_exactly_once()
    {
        var request = Owned("r");
        request.Reject(GatewayError.InternalError());
        Assert.True(Disposed(request));
        request.Release();
        request.Reject(GatewayError.InternalError());
        Assert.True(request.Finished.IsCompletedSuccessfully);
    }
}
