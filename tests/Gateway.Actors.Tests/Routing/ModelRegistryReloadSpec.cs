using System.Text;
using System.Text.Json;
using Akka.Actor;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Tests.Routing;

/// <summary>What a config reload relies on: removed routers drain before they stop, new ones are listed only once up and probed.</summary>
public class ModelRegistryReloadSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedUpstream _upstream = new();
    private readonly PublishedModelRegistry _published = new([]);

    private IActorRef StartRegistry(string name)
    {
        var client = new HttpClient(_upstream);
        var dependencies = new ModelRouterDependencies(
            new VllmDispatcher(client, TimeSpan.FromSeconds(30)),
            new UpstreamProbe(client, TimeSpan.FromSeconds(5)),
            TimeSpan.FromMilliseconds(100),
            TimeProvider.System);
        return Sys.ActorOf(ModelRegistryActor.Props(_published, dependencies), name);
    }

    private static ModelRoute Route(string id, string url = "http://vllm.test/", int failureThreshold = 5) => new()
    {
        ModelId = id,
        UpstreamModel = "m",
        Endpoints = [new UpstreamEndpoint(new Uri(url), new UpstreamCircuitBreaker(failureThreshold, TimeSpan.FromSeconds(30)))],
        MaxInFlight = 1,
        MaxQueue = 8,
    };

    private static ProxyRequest Request(string model)
    {
        var body = Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""");
        return new ProxyRequest
        {
            ModelId = model,
            Path = "/v1/chat/completions",
            Body = body,
            Json = JsonDocument.Parse(body).RootElement,
            RateLimitKey = "k",
            RequestId = "r-" + Guid.NewGuid().ToString("N"),
        };
    }

    private ModelEntry Listed(string id) => _published.Current.TryGet(id, out var entry) ? entry : throw new InvalidOperationException($"{id} is not listed");

    [Fact]
    public async Task A_removed_models_router_serves_its_admitted_requests_before_it_stops()
    {
        var registry = StartRegistry("registry-drain");
        await registry.Ask<ModelsApplied>(new ApplyModels([Route("gone")]), Wait);
        var router = await Sys.ActorSelection(registry.Path / ModelRegistryActor.RouterName("gone")).ResolveOne(Wait);
        Watch(router);
        var entry = Listed("gone");

        // One request in flight (its response is being relayed: the slot is held until Release), one queued behind it.
        var streaming = Request("gone");
        var queued = Request("gone");
        Assert.Null(entry.TryEnqueue(streaming));
        var first = Assert.IsType<ProxyOutcome.Responded>(await streaming.Outcome.WaitAsync(Wait));
        Assert.Null(entry.TryEnqueue(queued));

        var applied = await registry.Ask<ModelsApplied>(new ApplyModels([]), Wait);

        Assert.Empty(applied.ModelIds);
        Assert.False(_published.Current.TryGet("gone", out _));
        AwaitCondition(() => !entry.PipelineRunning, Wait);
        Assert.NotNull(entry.TryEnqueue(Request("gone"))); // no new requests once draining
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));        // still draining: not terminated

        first.Response.Dispose();
        streaming.Release();
        var second = Assert.IsType<ProxyOutcome.Responded>(await queued.Outcome.WaitAsync(Wait)); // served, not rejected
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        second.Response.Dispose();
        queued.Release();
        ExpectTerminated(router, Wait);
        await entry.Pipeline!.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_new_model_is_listed_only_once_its_pipeline_runs_and_its_replicas_were_probed()
    {
        var registry = StartRegistry("registry-probe-first");
        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a")]), Wait);

        _upstream.ProbesHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var applying = registry.Ask<ModelsApplied>(new ApplyModels([Route("a"), Route("b")]), Wait);

        await AwaitConditionAsync(() => Task.FromResult(_upstream.HeldProbes > 0), Wait); // the first probe of "b" is held
        Assert.False(applying.IsCompleted);
        Assert.Equal(["a"], _published.Current.All.Select(e => e.ModelId));

        _upstream.ProbesHeld.SetResult();
        var applied = await applying;

        Assert.Equal(["a", "b"], applied.ModelIds);
        Assert.True(Listed("b").PipelineRunning);
        Assert.True(Listed("b").Readiness.Ready);
    }

    [Fact]
    public async Task A_changed_model_keeps_its_old_router_until_the_new_one_is_up_then_the_old_one_drains()
    {
        var registry = StartRegistry("registry-replace");
        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a")]), Wait);
        var old = Listed("a");

        _upstream.ProbesHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var applying = registry.Ask<ModelsApplied>(new ApplyModels([Route("a", url: "http://other.test/")]), Wait);
        await AwaitConditionAsync(() => Task.FromResult(_upstream.HeldProbes > 0), Wait);

        Assert.Same(old, Listed("a"));
        Assert.True(old.PipelineRunning);
        var request = Request("a");
        Assert.Null(old.TryEnqueue(request)); // still served by the old router
        var responded = Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait));

        _upstream.ProbesHeld.SetResult();
        await applying;

        Assert.Equal("http://other.test/", Listed("a").Route.Endpoints[0].BaseUri.ToString());
        AwaitCondition(() => !old.PipelineRunning, Wait);
        Assert.False(old.Pipeline!.Completion.IsCompleted); // its request is still being relayed
        responded.Response.Dispose();
        request.Release();
        await old.Pipeline.Completion.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_changed_breaker_setting_replaces_the_router()
    {
        var registry = StartRegistry("registry-breaker");
        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a")]), Wait);
        var before = Listed("a").Pipeline;

        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a")]), Wait);
        Assert.Same(before, Listed("a").Pipeline); // same settings, new objects: kept

        await registry.Ask<ModelsApplied>(new ApplyModels([Route("a", failureThreshold: 2)]), Wait);
        Assert.NotSame(before, Listed("a").Pipeline);
        Assert.Equal(2, Listed("a").Route.Endpoints[0].Breaker.FailureThreshold);
    }
}
