using System.Diagnostics;
using Gateway.Host.Http;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;

namespace Gateway.Host.Tests.Observability;

/// <summary>The access line carries the request's facts: key name, model, replica, status, outcome, queue wait, TTFT, duration, tokens, retries, trace id.</summary>
public sealed class AccessLogLineTests
{
    [Fact]
    public async Task A_streamed_request_that_was_retried_logs_every_field()
    {
        var time = new FakeTimeProvider();
        var sink = new CapturingSink();
        var replica = new UpstreamEndpoint(new Uri("http://10.0.0.7:8000"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30)));
        var middleware = new RequestLoggingMiddleware(
            context =>
            {
                var facts = GatewayRequestFeature.Of(context);
                facts.Identity = new ApiKeyIdentity("team-a", new HashSet<string>(), Gateway.Streams.Limits.KeyLimits.Unlimited);
                facts.Model = "test-model";
                var request = new ProxyRequest
                {
                    ModelId = "test-model",
                    Path = "/v1/chat/completions",
                    Body = ReadOnlyMemory<byte>.Empty,
                    Stream = true,
                    RateLimitKey = "team-a",
                    RequestId = "req-1",
                    Endpoint = replica,
                    Retries = 2,
                    EnqueuedAt = time.GetTimestamp(),
                };
                facts.Request = request;
                time.Advance(TimeSpan.FromMilliseconds(30));
                request.DequeuedAt = time.GetTimestamp();
                time.Advance(TimeSpan.FromMilliseconds(120));
                facts.FirstTokenAt = time.GetTimestamp();
                time.Advance(TimeSpan.FromMilliseconds(850));
                facts.Relay = RelayResult.Completed;
                facts.Usage = new TokenUsage(12, 35);
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            },
            new RequestTelemetry(TestTelemetry.Metrics(), time, TestTelemetry.AccessLog(sink, time)),
            time,
            new ListLogger<RequestLoggingMiddleware>());
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        await middleware.InvokeAsync(context);

        var line = Assert.Single(sink.Messages());
        Assert.Contains("POST /v1/chat/completions 200 1000.0 ms outcome=ok", line, StringComparison.Ordinal);
        Assert.Contains("model=test-model", line, StringComparison.Ordinal);
        Assert.Contains("replica=http://10.0.0.7:8000", line, StringComparison.Ordinal);
        Assert.Contains("key=team-a", line, StringComparison.Ordinal);
        Assert.Contains("queue_ms=30.0", line, StringComparison.Ordinal);
        Assert.Contains("ttft_ms=150.0", line, StringComparison.Ordinal);
        Assert.Contains("prompt_tokens=12", line, StringComparison.Ordinal);
        Assert.Contains("completion_tokens=35", line, StringComparison.Ordinal);
        Assert.Contains("retries=2", line, StringComparison.Ordinal);
        Assert.Contains("trace_id=" + activity.TraceId.ToHexString(), line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData("not a traceparent", null)]
    [InlineData(null, null)]
    public async Task Without_a_recorded_span_the_trace_id_is_the_inbound_traceparents_and_none_is_invented(string? traceparent, string? traceId)
    {
        var sink = new CapturingSink();
        var middleware = new RequestLoggingMiddleware(
            context =>
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                return Task.CompletedTask;
            },
            new RequestTelemetry(TestTelemetry.Metrics(), TimeProvider.System, TestTelemetry.AccessLog(sink)),
            TimeProvider.System,
            new ListLogger<RequestLoggingMiddleware>());
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions";
        if (traceparent is not null)
        {
            context.Request.Headers.TraceParent = traceparent;
        }

        Assert.Null(Activity.Current);
        await middleware.InvokeAsync(context);

        var line = Assert.Single(sink.Messages());
        if (traceId is null)
        {
            Assert.DoesNotContain("trace_id=", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.EndsWith("trace_id=" + traceId, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Lines_of_different_shapes_keep_their_own_fields_and_name_their_source()
    {
        var sink = new CapturingSink();
        var telemetry = new RequestTelemetry(TestTelemetry.Metrics(), TimeProvider.System, TestTelemetry.AccessLog(sink));
        var statuses = new Queue<int>([200, 404, 200]);
        var middleware = new RequestLoggingMiddleware(
            context =>
            {
                var status = statuses.Dequeue();
                if (status == StatusCodes.Status200OK)
                {
                    GatewayRequestFeature.Of(context).Model = "test-model";
                    GatewayRequestFeature.Of(context).Relay = RelayResult.Completed;
                }

                context.Response.StatusCode = status;
                return Task.CompletedTask;
            },
            telemetry,
            TimeProvider.System,
            new ListLogger<RequestLoggingMiddleware>());

        foreach (var _ in statuses.ToArray())
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.Path = "/v1/chat/completions";
            await middleware.InvokeAsync(context);
        }

        var lines = sink.Messages();
        Assert.Equal(3, lines.Count);
        Assert.Contains("model=test-model", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("model=", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("POST /v1/chat/completions 404 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("model=test-model", lines[2], StringComparison.Ordinal);
        Assert.All(sink.Events, e => Assert.Equal("\"Gateway.Host.Observability.RequestTelemetry\"", e.Properties["SourceContext"].ToString()));
        Assert.All(sink.Events, e => Assert.Equal(LogEventLevel.Information, e.Level));
    }

    [Theory]
    [InlineData(504, "upstream_ttft_timeout", null, null, "timeout:ttft")]
    [InlineData(504, "upstream_connect_timeout", null, null, "timeout:connect")]
    [InlineData(503, "queue_timeout", null, null, "timeout:queue")]
    [InlineData(504, "upstream_timeout", null, null, "timeout:total")]
    [InlineData(200, null, null, RelayResult.UpstreamIdleTimedOut, "timeout:idle")]
    [InlineData(200, null, null, RelayResult.UpstreamTtftTimedOut, "timeout:ttft")]
    [InlineData(503, "model_overloaded", "queue_full", null, "shed:queue_full")]
    [InlineData(429, "rate_limit_exceeded", null, null, "shed:rate_limited")]
    [InlineData(503, "shutting_down", null, null, "shed:shutting_down")]
    [InlineData(503, "upstream_unavailable", "no_replica", null, "shed:no_replica")]
    [InlineData(502, "upstream_unavailable", "connect", null, "upstream_error")]
    [InlineData(200, null, null, RelayResult.UpstreamTruncated, "upstream_error")]
    [InlineData(200, null, null, RelayResult.ClientAborted, "client_cancelled")]
    [InlineData(400, "invalid_json", null, null, "client_error")]
    [InlineData(200, null, null, RelayResult.Completed, "ok")]
    public void The_outcome_names_the_phase_reason_or_class(int status, string? code, string? cause, RelayResult? relay, string expected)
    {
        var error = code is null ? null : new GatewayError(status, "m", "t", code) { Cause = cause };
        Assert.Equal(expected, RequestOutcome.Classify(status, error, relay).Name);
    }

    [Fact]
    public void Upstream_errors_carry_their_class_from_the_mapper()
    {
        Assert.Equal("connect", RequestOutcome.Classify(502, new GatewayError(502, "m", "t", "upstream_unavailable") { Cause = "connect" }, null).UpstreamErrorClass);
        Assert.Equal("stream_truncated", RequestOutcome.Classify(200, null, RelayResult.UpstreamTruncated).UpstreamErrorClass);
        Assert.Equal("other", RequestOutcome.Classify(502, new GatewayError(502, "m", "t", "upstream_unavailable"), null).UpstreamErrorClass);
    }
}
