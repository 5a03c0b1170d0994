using System.Text.Json;
using System.Text;
using Akka.Actor;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Limits;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Tests.Routing;

public class ModelRouterActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedUpstream _upstream = new();

    private (ModelHandle Handle, IActorRef Router) StartRouter(string upstreamModel = "m", TimeSpan? probeInterval = null)
    {
        var client = new HttpClient(_upstream);
        var route = new ModelRoute
        {
            ModelId = "m",
            UpstreamModel = upstreamModel,
            Endpoints = [new UpstreamEndpoint(new Uri("http://vllm.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
            MaxInFlight = 4,
            MaxQueue = 8,
        };
        var handle = new ModelHandle(route);
        var router = Sys.ActorOf(ModelRouterActor.Props(
            handle,
            UnlimitedRateLimiter.Instance,
            new VllmDispatcher(client, TimeSpan.FromSeconds(30)),
            new UpstreamProbe(client, TimeSpan.FromSeconds(2)),
            probeInterval ?? TimeSpan.FromMilliseconds(100)));
        return (handle, router);
    }

    private static ProxyRequest Request()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        return new ProxyRequest
        {
            ModelId = "m",
            Path = "/v1/chat/completions",
            Body = body,
            Json = JsonDocument.Parse(body).RootElement,
            RateLimitKey = "k",
            RequestId = "r1",
        };
    }

    [Fact]
    public async Task The_router_publishes_ready_once_the_upstream_serves_the_model()
    {
        var (handle, _) = StartRouter();
        await AwaitConditionAsync(() => Task.FromResult(handle.Readiness.Ready), Wait);
        Assert.Equal(4096, handle.Readiness.MaxModelLen);
    }

    [Fact]
    public async Task The_router_reports_why_a_model_is_not_ready_and_recovers()
    {
        _upstream.ServedModel = "other";
        var (handle, _) = StartRouter();
        await AwaitConditionAsync(() => Task.FromResult(handle.Readiness.CheckedAt is not null), Wait);
        Assert.False(handle.Readiness.Ready);
        Assert.Contains("does not serve model 'm'", handle.Readiness.Reason, StringComparison.Ordinal);

        _upstream.ServedModel = "m";
        await AwaitConditionAsync(() => Task.FromResult(handle.Readiness.Ready), Wait);

        _upstream.Down = true;
        await AwaitConditionAsync(() => Task.FromResult(!handle.Readiness.Ready), Wait);
        Assert.Contains("not reachable", handle.Readiness.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_flow_through_the_pipeline_the_router_materialized()
    {
        var (handle, _) = StartRouter();
        await AwaitConditionAsync(() => Task.FromResult(handle.PipelineRunning), Wait);
        var request = Request();

        Assert.Null(handle.TryEnqueue(request));
        var outcome = await request.Outcome.WaitAsync(Wait);

        var responded = Assert.IsType<ProxyOutcome.Responded>(outcome);
        responded.Response.Dispose();
        request.Release();
    }

    [Fact]
    public async Task The_router_answers_status_queries_with_its_state()
    {
        var (handle, router) = StartRouter();
        await AwaitConditionAsync(() => Task.FromResult(handle.Readiness.Ready), Wait);

        var status = await router.Ask<ModelStatus>(GetModelStatus.Instance, Wait);

        Assert.Equal("m", status.ModelId);
        Assert.True(status.Ready);
        Assert.True(status.PipelineRunning);
        Assert.Equal(4, status.MaxInFlight);
        var replica = Assert.Single(status.Replicas);
        Assert.Equal("Closed", replica.Breaker);
        Assert.True(replica.Ready);
    }

    [Fact]
    public async Task A_stopped_router_stops_admitting_requests()
    {
        var (handle, router) = StartRouter();
        await AwaitConditionAsync(() => Task.FromResult(handle.PipelineRunning), Wait);

        Watch(router);
        Sys.Stop(router);
        ExpectTerminated(router);

        var error = handle.TryEnqueue(Request());
        Assert.NotNull(error);
        Assert.Equal(503, error.Status);
        Assert.NotNull(error.RetryAfterSeconds);
    }

    [Fact]
    public async Task The_registry_creates_one_router_per_model_and_collects_their_status()
    {
        var client = new HttpClient(_upstream);
        ModelHandle Handle(string id) => new(new ModelRoute
        {
            ModelId = id,
            UpstreamModel = "m",
            Endpoints = [new UpstreamEndpoint(new Uri("http://vllm.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
        });
        var catalog = new ModelCatalog([Handle("a"), Handle("org/b:7b")]);
        var registry = Sys.ActorOf(ModelRegistryActor.Props(
            catalog,
            UnlimitedRateLimiter.Instance,
            new VllmDispatcher(client, TimeSpan.FromSeconds(30)),
            new UpstreamProbe(client, TimeSpan.FromSeconds(2)),
            TimeSpan.FromSeconds(1)), "model-registry");

        var statuses = await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait);

        Assert.Equal(["a", "org/b:7b"], statuses.Models.Select(m => m.ModelId));
        Assert.All(statuses.Models, m => Assert.StartsWith("/user/model-registry/model-", m.ActorPath, StringComparison.Ordinal));
    }
}
