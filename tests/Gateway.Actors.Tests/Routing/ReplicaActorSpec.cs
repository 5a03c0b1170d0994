using Akka.Actor;
using Gateway.Actors.Routing;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Actors.Tests.Routing;

/// <summary>
/// One replica's actor on a fake clock: ejection and return, growing and capped ejections, probes at once after a
/// gateway failure, and a request-specific 500 that counts only when the probe it triggers fails. The periodic
/// probe timer is an hour, so every probe seen here was asked for by an event, not by the timer.
/// </summary>
public class ReplicaActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ScriptedUpstream _upstream = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private (UpstreamEndpoint Endpoint, IActorRef Actor) StartReplica(int failureThreshold = 1, double cooldownSeconds = 10, double maxEjectionSeconds = 40)
    {
        var client = new HttpClient(_upstream);
        var dependencies = new ModelRouterDependencies(
            new VllmDispatcher(client, TimeSpan.FromSeconds(30), _clock),
            new UpstreamProbe(client, TimeSpan.FromSeconds(2), _clock),
            TimeSpan.FromHours(1),
            _clock);
        var breaker = new UpstreamCircuitBreaker(
            failureThreshold, TimeSpan.FromSeconds(cooldownSeconds), time: _clock, maxEjection: TimeSpan.FromSeconds(maxEjectionSeconds));
        var endpoint = new UpstreamEndpoint(new Uri("http://a.test/"), breaker);

        // The test actor is the parent: it receives every ReplicaStateChanged the router would.
        var actor = ChildActorOf(ReplicaActor.Props(endpoint, "m", dependencies));
        FishForMessage<ReplicaStateChanged>(m => m.Status.LastProbeAt is not null, Wait); // the first probe
        return (endpoint, actor);
    }

    private ReplicaStatus Await(Predicate<ReplicaStatus> condition) => FishForMessage<ReplicaStateChanged>(m => condition(m.Status), Wait).Status;

    [Fact]
    public void A_gateway_failure_probes_at_once_and_a_passing_probe_gives_the_ejected_replica_its_trial_at_once()
    {
        var (endpoint, _) = StartReplica();
        Assert.Equal(1, _upstream.HealthProbes);

        endpoint.RecordGatewayFailure("http://a.test answered 503");

        // Ejected, probed at once (not on the hour-long timer), the probe passed: half-open without the clock moving.
        var status = Await(s => s.Breaker == nameof(CircuitState.HalfOpen));
        Assert.Equal(2, _upstream.HealthProbes);
        Assert.Equal("http://a.test answered 503", status.LastGatewayFailure);
        Assert.Equal(1, status.EjectionsInARow);

        Assert.True(endpoint.Breaker.TryAcquire(out _)); // the trial
        endpoint.Breaker.RecordSuccess();
        status = Await(s => s.Breaker == nameof(CircuitState.Closed));
        Assert.True(status.InService);
        Assert.Equal(0, status.EjectionsInARow);
        Assert.Null(status.EjectionReason);
    }

    [Fact]
    public void An_ejected_replica_returns_only_once_a_probe_passes_again()
    {
        var (endpoint, actor) = StartReplica();
        _upstream.Down = true;

        endpoint.RecordGatewayFailure("http://a.test: refused");
        var status = Await(s => s.Breaker == nameof(CircuitState.Open) && !s.Ready);
        Assert.Contains("not reachable", status.Reason, StringComparison.Ordinal);
        Assert.Equal("http://a.test: refused", status.EjectionReason);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(10), status.ReturnsAt);
        Assert.False(endpoint.InService);
        Assert.False(endpoint.Breaker.TryAcquire(out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(10), retryAfter);

        // The next periodic probe passes: the trial comes at once, long before the ejection would end.
        _upstream.Down = false;
        actor.Tell(new ProbeReplica("timer", false));
        status = Await(s => s.Breaker == nameof(CircuitState.HalfOpen));
        Assert.True(status.Ready);
        Assert.True(endpoint.InService);
    }

    [Fact]
    public void Each_ejection_in_a_row_lasts_twice_as_long_as_the_last_up_to_the_cap()
    {
        var (endpoint, _) = StartReplica(cooldownSeconds: 10, maxEjectionSeconds: 40);
        _upstream.Down = true; // probes fail: only the clock ends an ejection

        var expected = new[] { 10, 20, 40, 40 };
        for (var i = 0; i < expected.Length; i++)
        {
            if (i > 0)
            {
                // The last ejection ends on the clock; its trial request fails and ejects the replica again.
                _clock.Advance(TimeSpan.FromSeconds(expected[i - 1]));
                Assert.True(endpoint.Breaker.TryAcquire(out _));
            }

            endpoint.RecordGatewayFailure("http://a.test answered 502");
            var ejections = i + 1;
            var status = Await(s => s.Breaker == nameof(CircuitState.Open) && s.EjectionsInARow == ejections);
            Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(expected[i]), status.ReturnsAt);
        }

        // Just before the capped ejection ends the replica is still out; at its end it gets a trial.
        _clock.Advance(TimeSpan.FromSeconds(39));
        Assert.False(endpoint.Breaker.TryAcquire(out _));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(endpoint.Breaker.TryAcquire(out _));
    }

    [Fact]
    public void A_gateway_failure_below_the_threshold_marks_the_replica_suspect_at_once_when_its_probe_fails()
    {
        var (endpoint, _) = StartReplica(failureThreshold: 5);
        _upstream.DownHosts["a.test"] = true;

        endpoint.RecordGatewayFailure("http://a.test: connection reset before headers");

        var status = Await(s => !s.Ready);
        Assert.Equal(nameof(CircuitState.Closed), status.Breaker); // not ejected: one failure of five
        Assert.False(status.InService);                          // but out of service until a probe passes
        Assert.False(endpoint.InService);
    }

    [Fact]
    public void A_request_specific_500_only_probes_and_counts_only_when_the_probe_fails()
    {
        var (endpoint, _) = StartReplica(failureThreshold: 1);

        for (var i = 0; i < 20; i++)
        {
            endpoint.RecordRequestSpecificFailure("http://a.test answered 500");
        }

        // Probed out of band (coalesced while one runs); the last probe ends after the last 500 and publishes it.
        var status = Await(s => s.RequestSpecificFailures == 20);
        Assert.True(_upstream.HealthProbes >= 2);
        Assert.Equal(CircuitState.Closed, endpoint.Breaker.State); // twenty 500s with a threshold of one: still in service
        Assert.Equal(0, endpoint.Breaker.ConsecutiveFailures);
        Assert.Equal(0, endpoint.GatewayFailures);
        Assert.True(endpoint.InService);
        Assert.Equal(nameof(CircuitState.Closed), status.Breaker);

        // The same 500 while the replica is really down: the probe fails, and now it counts.
        _upstream.Down = true;
        endpoint.RecordRequestSpecificFailure("http://a.test answered 500");
        status = Await(s => s.Breaker == nameof(CircuitState.Open));
        Assert.StartsWith("probe after a server error failed:", status.EjectionReason, StringComparison.Ordinal);
    }
}
