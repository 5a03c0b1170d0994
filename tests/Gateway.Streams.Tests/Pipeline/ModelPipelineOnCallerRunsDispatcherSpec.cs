using System.Net;
using Akka.Streams;
using Gateway.Streams.Breaker;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Pipeline;

/// <summary>
/// Every <see cref="ModelPipelineSpec"/> again, with the graph on <see cref="PipelineDispatcher"/> as the gateway
/// runs it (the graph actor's mailbox runs on the thread that wakes it), plus what that dispatcher is for.
/// </summary>
public class ModelPipelineOnCallerRunsDispatcherSpec : ModelPipelineSpec
{
    public ModelPipelineOnCallerRunsDispatcherSpec()
        : base(PipelineDispatcher.Hocon)
    {
    }

    [Fact]
    public async Task A_request_handed_to_an_idle_pipeline_is_sent_upstream_on_the_thread_that_hands_it_in()
    {
        var sentOn = new List<int>();
        var handler = new FakeUpstreamHandler((_, _) =>
        {
            lock (sentOn)
            {
                sentOn.Add(Environment.CurrentManagedThreadId);
            }

            return Task.FromResult(FakeUpstreamHandler.Json(HttpStatusCode.OK, "{}"));
        });
        var route = new ModelRoute
        {
            ModelId = "m",
            UpstreamModel = "m",
            Endpoints = [new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
            MaxInFlight = 4,
            MaxQueue = 16,
        };
        var pipeline = ModelPipeline.Materialize(route, new VllmDispatcher(new HttpClient(handler), TimeSpan.FromSeconds(30)), Sys.Materializer());

        // Once the graph is idle and waiting on its queue, a request handed in goes through the graph and out to the
        // upstream before TryEnqueue returns, on this thread (on a pool dispatcher that can never happen: this thread
        // is busy until TryEnqueue returns). The graph may still be finishing a previous run on another thread, so
        // a few attempts are allowed.
        var inline = false;
        for (var attempt = 0; attempt < 50 && !inline; attempt++)
        {
            var request = Requests.Chat();

            // From a thread no actor ran on, as Kestrel's (see FreshThread): inside an actor the dispatcher never runs inline.
            inline = FreshThread.Run(() =>
            {
                var thread = Environment.CurrentManagedThreadId;
                int before;
                lock (sentOn)
                {
                    before = sentOn.Count;
                }

                Assert.True(pipeline.TryEnqueue(request));
                lock (sentOn)
                {
                    return sentOn.Count == before + 1 && sentOn[^1] == thread;
                }
            });

            ((ProxyOutcome.Responded)await request.Outcome.WaitAsync(TimeSpan.FromSeconds(10))).Response.Dispose();
            request.Release();
        }

        Assert.True(inline);
    }
}
