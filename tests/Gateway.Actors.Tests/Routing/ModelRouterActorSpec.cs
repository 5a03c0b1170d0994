using System.Text.Json;
using System.Text;
using Akka.Actor;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Tests.Routing;

public class ModelRouterActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedUpstream _upstream = new();

    private ModelRouterDependencies Dependencies(TimeSpan? probeInterval = null)
    {
        var client = new HttpClient(_upstream);
        return new ModelRouterDependencies(
            new VllmDispatcher(client, TimeSpan.FromSeconds(30)),
            new UpstreamProbe(client, TimeSpan.FromSeconds(2)),
            probeInterval ?? TimeSpan.FromMilliseconds(100),
            TimeProvider.System);
    }

    private static ModelRoute Route(string id = "m", string upstreamModel = "m", string url = "http://vllm.test/") => new()
    {
        ModelId = id,
        UpstreamModel = upstreamModel,
        Endpoints = [new UpstreamEndpoint(new Uri(url), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)))],
        MaxInFlight = 4,
        MaxQueue = 8,
    };

    /// <summary>A registry running one model "m"; the test reads the model through the published snapshot, as the HTTP side does.</summary>
    private (Func<ModelEntry> Model, IActorRef Registry) StartModel(string upstreamModel = "m", TimeSpan? probeInterval = null)
    {
        var published = new PublishedModelRegistry([]);
        var registry = Sys.ActorOf(ModelRegistryActor.Props(published, Dependencies(probeInterval)));
        registry.Tell(new ApplyModels([Route(upstreamModel: upstreamModel)]));
        AwaitCondition(() => published.Current.TryGet("m", out _), Wait);
        return (() => published.Current.TryGet("m", out var entry) ? entry : throw new InvalidOperationException("m is gone"), registry);
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
        var (model, _) = StartModel();
        await AwaitConditionAsync(() => Task.FromResult(model().Readiness.Ready), Wait);
        Assert.Equal(4096, model().Readiness.MaxModelLen);
    }

    [Fact]
    public async Task The_router_reports_why_a_model_is_not_ready_and_recovers()
    {
        _upstream.ServedModel = "other";
        var (model, _) = StartModel();
        await AwaitConditionAsync(() => Task.FromResult(model().Readiness.CheckedAt is not null), Wait);
        Assert.False(model().Readiness.Ready);
        Assert.Contains("does not serve model 'm'", model().Readiness.Reason, StringComparison.Ordinal);

        _upstream.ServedModel = "m";
        await AwaitConditionAsync(() => Task.FromResult(model().Readiness.Ready), Wait);

        _upstream.Down = true;
        await AwaitConditionAsync(() => Task.FromResult(!model().Readiness.Ready), Wait);
        Assert.Contains("not reachable", model().Readiness.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_flow_through_the_pipeline_the_router_materialized()
    {
        var (model, _) = StartModel();
        await AwaitConditionAsync(() => Task.FromResult(model().PipelineRunning), Wait);
        var request = Request();

        Assert.Null(model().TryEnqueue(request));
        var outcome = await request.Outcome.WaitAsync(Wait);

        var responded = Assert.IsType<ProxyOutcome.Responded>(outcome);
        responded.Response.Dispose();
        request.Release();
    }

    [Fact]
    public async Task The_router_answers_status_queries_with_its_state()
    {
        var (model, registry) = StartModel();
        await AwaitConditionAsync(() => Task.FromResult(model().Readiness.Ready), Wait);

        var statuses = await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait);
        var status = Assert.Single(statuses.Models);

        Assert.Equal("m", status.ModelId);
        Assert.True(status.Ready);
        Assert.True(status.PipelineRunning);
        Assert.Equal(4, status.MaxInFlight);
        var replica = Assert.Single(status.Replicas);
        Assert.Equal("Closed", replica.Breaker);
        Assert.True(replica.Ready);
    }

    [Fact]
    public async Task A_removed_model_stops_admitting_requests_and_leaves_the_snapshot()
    {
        var (model, registry) = StartModel();
        await AwaitConditionAsync(() => Task.FromResult(model().PipelineRunning), Wait);
        var held = model();

        var applied = await registry.Ask<ModelsApplied>(new ApplyModels([]), Wait);

        Assert.Empty(applied.ModelIds);
        await AwaitConditionAsync(() => Task.FromResult(!held.PipelineRunning), Wait);
        var error = held.TryEnqueue(Request());
        Assert.NotNull(error);
        Assert.Equal(503, error.Status);
        Assert.NotNull(error.RetryAfterSeconds);
    }

    [Fact]
    public async Task Applying_models_starts_new_keeps_unchanged_and_replaces_changed_routers()
    {
        var published = new PublishedModelRegistry([]);
        var registry = Sys.ActorOf(ModelRegistryActor.Props(published, Dependencies()));
        var a = Route("a");
        await registry.Ask<ModelsApplied>(new ApplyModels([a, Route("b")]), Wait);

        // ApplyModels is answered once the new routers' pipelines are in the published snapshot.
        Assert.Equal(["a", "b"], published.Current.All.Select(e => e.ModelId));
        Assert.All(published.Current.All, e => Assert.True(e.PipelineRunning));
        var firstA = published.Current.All[0].Pipeline;
        var firstB = published.Current.All[1].Pipeline;

        // "a" unchanged (same settings, new object), "b" moved to another replica, "c" new.
        var applied = await registry.Ask<ModelsApplied>(new ApplyModels([Route("a"), Route("b", url: "http://other.test/"), Route("c")]), Wait);

        Assert.Equal(["a", "b", "c"], applied.ModelIds);
        Assert.All(published.Current.All, e => Assert.True(e.PipelineRunning));
        Assert.Same(firstA, published.Current.All[0].Pipeline);
        Assert.Same(a, published.Current.All[0].Route);
        Assert.NotSame(firstB, published.Current.All[1].Pipeline);
        Assert.Equal("http://other.test/", published.Current.All[1].Route.Endpoints[0].BaseUri.ToString());
        AwaitCondition(() => !firstB!.IsOpen, Wait); // the replaced router drains
    }

    [Fact]
    public async Task The_registry_creates_one_router_per_model_and_collects_their_status()
    {
        var published = new PublishedModelRegistry([]);
        var registry = Sys.ActorOf(ModelRegistryActor.Props(published, Dependencies(TimeSpan.FromSeconds(1))), "model-registry");
        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a"), Route("org/b:7b")]), Wait);

        var statuses = await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait);

        Assert.Equal(["a", "org/b:7b"], statuses.Models.Select(m => m.ModelId));
        Assert.All(statuses.Models, m => Assert.StartsWith("/user/model-registry/model-", m.ActorPath, StringComparison.Ordinal));
    }
}
