using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Gateway.Actors.Routing;
using Gateway.Host.Observability;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Bench;

/// <summary>
/// What metrics and tracing add per request with no exporter attached (<c>-- telemetry</c>): recording one finished
/// streamed request (every histogram and counter it moves) and starting/stopping the upstream-attempt span with
/// nobody listening. The request's access-log line is not included (Serilog's cost, the same as before).
/// </summary>
[MemoryDiagnoser]
public class TelemetryBench
{
    private readonly GatewayMetrics _metrics;
    private readonly RequestRecord _record;
    private readonly ProxyRequest _request;
    private readonly UpstreamEndpoint _endpoint = new(new Uri("http://127.0.0.1:8000"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
    private readonly ServiceProvider _services;
    private readonly HttpRequestMessage _message = new(HttpMethod.Post, "http://127.0.0.1:8000/v1/chat/completions");

    public TelemetryBench()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _metrics = new GatewayMetrics(_services.GetRequiredService<IMeterFactory>(), new PublishedModelRegistry([]));
        _record = new RequestRecord
        {
            Route = "/v1/chat/completions",
            Method = "POST",
            Status = 200,
            Seconds = 1.2,
            Outcome = RequestOutcome.Ok,
            Model = "bench-model",
            Replica = "http://127.0.0.1:8000",
            Key = "team-a",
            PromptTokens = 12,
            CompletionTokens = 64,
            TimeToFirstTokenSeconds = 0.08,
            TimePerOutputTokenSeconds = 0.015,
            QueueWaitSeconds = 0.002,
        };
        _request = new ProxyRequest
        {
            ModelId = "bench-model",
            Path = "/v1/chat/completions",
            Body = ReadOnlyMemory<byte>.Empty,
            RateLimitKey = "team-a",
            RequestId = "bench",
        };
    }

    /// <summary>Instruments enabled but no exporter listening (the meter is never added to a provider).</summary>
    [Benchmark]
    public void RecordRequestNoExporter() => _metrics.Record(_record);

    /// <summary>The upstream attempt span with no listener: the inbound context is still forwarded as <c>traceparent</c>.</summary>
    [Benchmark]
    public void UpstreamAttemptSpanNoListener() => GatewayTracing.StartUpstreamAttempt(_request, _endpoint, _message)?.Stop();

    [GlobalCleanup]
    public void Cleanup()
    {
        _message.Dispose();
        _services.Dispose();
    }
}
