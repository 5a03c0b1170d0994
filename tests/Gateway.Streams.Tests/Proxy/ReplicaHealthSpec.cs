using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Proxy;

/// <summary>What counts against a replica's health (issue 8's breaker-poisoning defect).</summary>
public class ReplicaHealthSpec
{
    private readonly ManualTimeProvider _clock = new();

    private UpstreamEndpoint Replica() => new(new Uri("http://a.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: _clock));

    [Fact]
    public void A_hundred_request_specific_500s_never_eject_the_replica_but_ask_for_probes()
    {
        var replica = Replica();
        var probes = new List<bool>();
        replica.ProbeRequested += (_, countFailure) => probes.Add(countFailure);

        for (var i = 0; i < 100; i++)
        {
            Assert.True(replica.Breaker.TryAcquire(out _));
            VllmDispatcher.JudgeStatus(replica, 500);
        }

        Assert.Equal(CircuitState.Closed, replica.Breaker.State);
        Assert.True(replica.InService);
        Assert.Equal(100, replica.RequestFailures);
        Assert.Equal(0, replica.GatewayFailures);
        Assert.All(probes, countFailure => Assert.True(countFailure));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(413)]
    [InlineData(422)]
    [InlineData(429)]
    public void Client_errors_never_count(int status)
    {
        var replica = Replica();
        for (var i = 0; i < 50; i++)
        {
            VllmDispatcher.JudgeStatus(replica, status);
        }

        Assert.Equal(CircuitState.Closed, replica.Breaker.State);
        Assert.Equal(0, replica.GatewayFailures);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void Gateway_failures_eject_after_the_threshold(int status)
    {
        var replica = Replica();
        for (var i = 0; i < 5; i++)
        {
            VllmDispatcher.JudgeStatus(replica, status);
        }

        Assert.Equal(CircuitState.Open, replica.Breaker.State);
        Assert.False(replica.InService);
        Assert.Equal(5, replica.GatewayFailures);
    }

    [Fact]
    public void Each_ejection_in_a_row_lasts_twice_as_long_up_to_the_cap()
    {
        var breaker = new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(10), time: _clock, maxEjection: TimeSpan.FromSeconds(25));
        var lengths = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            if (breaker.State == CircuitState.HalfOpen)
            {
                Assert.True(breaker.TryAcquire(out _));
            }

            breaker.RecordFailure();
            lengths.Add(breaker.EjectedFor!.Value);
            _clock.Advance(breaker.EjectedFor!.Value);
            Assert.Equal(CircuitState.HalfOpen, breaker.State);
        }

        Assert.Equal([10, 20, 25, 25], lengths.Select(l => (int)l.TotalSeconds));
        Assert.True(breaker.TryAcquire(out _));
        breaker.RecordSuccess();
        Assert.Equal(0, breaker.EjectionsInARow);
    }

    [Fact]
    public void Load_signals_are_read_from_vllm_metrics()
    {
        const string text = """
            # HELP vllm:num_requests_waiting Number of requests waiting.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="a"} 3.0
            vllm:num_requests_waiting{engine="0",model_name="b"} 2.0
            vllm:num_requests_running{engine="0",model_name="a"} 7.0
            vllm:kv_cache_usage_perc{engine="0",model_name="a"} 0.42
            vllm:prompt_tokens_total{model_name="a"} 1234.0
            """;

        var load = VllmMetricsReader.Parse(text, _clock.GetUtcNow());

        Assert.NotNull(load);
        Assert.Equal(5, load.Waiting);
        Assert.Equal(7, load.Running);
        Assert.Equal(0.42, load.KvCacheUsage, 3);
        Assert.Null(VllmMetricsReader.Parse("# nothing here\nother_metric 1\n", _clock.GetUtcNow()));
    }
}
