using System.Text;
using System.Text.Json;
using Akka.Actor;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Stages;
using Gateway.Streams.Upstream;

namespace Gateway.Actors.Tests.Routing;

/// <summary>
/// Readiness, routing and inspection of a model with two replicas tell one story: a replica out of service lowers
/// the count, none in service makes the model unready with every replica's reason, requests then go to the least
/// bad replica (panic routing, logged and shown), and a replica that comes back makes the model ready and served.
/// </summary>
public class ModelRouterReadinessSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedUpstream _upstream = new();
    private readonly PublishedModelRegistry _published = new([]);

    private async Task<IActorRef> StartModelAsync()
    {
        var client = new HttpClient(_upstream);
        var dependencies = new ModelRouterDependencies(
            new VllmDispatcher(client, TimeSpan.FromSeconds(30), policy: new DispatchPolicy { MaxRetries = 0 }),
            new UpstreamProbe(client, TimeSpan.FromSeconds(2)),
            TimeSpan.FromMilliseconds(100),
            TimeProvider.System);
        var registry = Sys.ActorOf(ModelRegistryActor.Props(_published, dependencies));
        var route = new ModelRoute
        {
            ModelId = "m",
            UpstreamModel = "m",
            Endpoints =
            [
                new UpstreamEndpoint(new Uri("http://a.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30))),
                new UpstreamEndpoint(new Uri("http://b.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30))),
            ],
            MaxInFlight = 4,
            MaxQueue = 8,
        };
        await registry.Ask<ModelsApplied>(new ApplyModels([route]), Wait);
        return registry;
    }

    private ModelEntry Model => _published.Current.TryGet("m", out var entry) ? entry : throw new InvalidOperationException("m is gone");

    private async Task AwaitReadinessAsync(Func<ModelReadiness, bool> condition) =>
        await AwaitConditionAsync(() => Task.FromResult(condition(Model.Readiness)), Wait);

    private async Task<ProxyOutcome> SendAsync()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        var request = new ProxyRequest
        {
            ModelId = "m",
            Path = "/v1/chat/completions",
            Body = body,
            Json = JsonDocument.Parse(body).RootElement,
            RateLimitKey = "k",
            RequestId = "r-" + Guid.NewGuid().ToString("N"),
        };
        Assert.Null(Model.TryEnqueue(request));
        var outcome = await request.Outcome.WaitAsync(Wait);
        if (outcome is ProxyOutcome.Responded responded)
        {
            responded.Response.Dispose();
        }

        request.Release();
        return outcome;
    }

    [Fact]
    public async Task Readiness_routing_and_inspection_agree_as_replicas_leave_and_return()
    {
        var registry = await StartModelAsync();
        await AwaitReadinessAsync(r => r.Ready && r.Reason == "2/2 replica(s) in service");

        _upstream.DownHosts["a.test"] = true;
        await AwaitReadinessAsync(r => r.Ready && r.Reason == "1/2 replica(s) in service");
        Assert.IsType<ProxyOutcome.Responded>(await SendAsync()); // routed to b, the one in service

        _upstream.DownHosts["b.test"] = true;
        await AwaitReadinessAsync(r => !r.Ready);
        var reason = Model.Readiness.Reason;
        Assert.StartsWith("no replica in service:", reason, StringComparison.Ordinal);
        Assert.Contains("http://a.test not reachable", reason, StringComparison.Ordinal);
        Assert.Contains("http://b.test not reachable", reason, StringComparison.Ordinal);

        // No replica in service: the request still goes to the least bad one (panic routing), logged once and shown.
        ProxyOutcome? panicked = null;
        await EventFilter.Warning(contains: "panic routing").ExpectOneAsync(async () => panicked = await SendAsync());
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(panicked);
        Assert.Equal((502, "upstream_unavailable"), (rejected.Error.Status, rejected.Error.Code));
        var status = Assert.Single((await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait)).Models);
        Assert.False(status.Ready);
        Assert.Equal(reason, status.Reason);
        Assert.True(status.Panicking);
        Assert.Equal(1, status.PanicRoutes);
        Assert.All(status.Replicas, r => Assert.False(r.InService));

        // b comes back: ready on its next probe, served at once, panic routing over.
        _upstream.DownHosts.TryRemove("b.test", out _);
        await AwaitReadinessAsync(r => r.Ready && r.Reason == "1/2 replica(s) in service");
        await EventFilter.Info(contains: "panic routing ended").ExpectOneAsync(async () => Assert.IsType<ProxyOutcome.Responded>(await SendAsync()));
        status = Assert.Single((await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait)).Models);
        Assert.True(status.Ready);
        Assert.False(status.Panicking);
        Assert.Equal([false, true], status.Replicas.Select(r => r.InService));
    }

    [Fact]
    public async Task An_ejected_replica_whose_probe_fails_is_named_in_the_reason_with_the_failure_that_ejected_it()
    {
        var registry = await StartModelAsync();
        await AwaitReadinessAsync(r => r.Ready && r.Reason == "2/2 replica(s) in service");
        var a = Model.Route.Endpoints[0];

        _upstream.DownHosts["a.test"] = true;
        for (var i = 0; i < 5; i++)
        {
            a.RecordGatewayFailure("http://a.test answered 502");
        }

        await AwaitReadinessAsync(r => r.Reason == "1/2 replica(s) in service");
        await AwaitConditionAsync(
            async () => (await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait)).Models[0].Replicas[0].Breaker == nameof(CircuitState.Open), Wait);
        var replica = (await registry.Ask<ModelStatuses>(GetModelStatus.Instance, Wait)).Models[0].Replicas[0];
        Assert.Equal("http://a.test answered 502", replica.EjectionReason);
        Assert.NotNull(replica.ReturnsAt);
        Assert.Equal(1, replica.EjectionsInARow);
        Assert.Equal(5, replica.GatewayFailures);
        Assert.StartsWith("/user/", replica.ActorPath, StringComparison.Ordinal);
        Assert.EndsWith("/replica-0", replica.ActorPath, StringComparison.Ordinal);
    }
}
