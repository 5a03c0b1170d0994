using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Gateway.Streams.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Observability;

/// <summary>
/// Spans, recorded in memory by a listener on the gateway's sources: the inbound trace continues through the gateway
/// into vLLM (<c>traceparent</c>), and the spans nest as the README documents (server → queue, upstream attempt, relay).
/// </summary>
public sealed class TracingTests
{
    [Fact]
    public async Task The_upstream_request_carries_the_inbound_trace_and_the_spans_nest()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var inboundSpan = ActivitySpanId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is GatewayTracing.SourceName or ObservabilityHostingExtensions.AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.TraceId == traceId)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var upstream = await CapturingUpstream.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(upstream: upstream.BaseUrl);
        await gateway.WaitUntilReadyAsync();

        using var request = gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"a secret prompt"}]}""");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId.ToHexString()}-{inboundSpan.ToHexString()}-01");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The capturing upstream is ASP.NET Core too: its server span (vLLM's side of the trace) ends up here as well.
        await Eventually.TrueAsync(() => spans.Count(s => s.Kind == ActivityKind.Server) == 2, "both server spans ended");
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.ParentSpanId == inboundSpan);
        var attempt = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        var vllmSide = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s != server);
        var queue = Assert.Single(spans, s => s.DisplayName == "queue test-model");
        var relay = Assert.Single(spans, s => s.DisplayName == "relay test-model");

        // The inbound context is the server span's parent; the gateway's spans are the server span's children,
        // and the upstream's own span is the attempt's child.
        Assert.Equal(attempt.SpanId, vllmSide.ParentSpanId);
        Assert.Equal("chat test-model", attempt.DisplayName);
        Assert.All([attempt, queue, relay], s => Assert.Equal(server.SpanId, s.ParentSpanId));
        Assert.Equal("chat", attempt.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("vllm", attempt.GetTagItem("gen_ai.provider.name"));
        Assert.Equal("test-model", attempt.GetTagItem("gen_ai.request.model"));
        Assert.Equal(7, attempt.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(["stop"], Assert.IsType<string[]>(attempt.GetTagItem("gen_ai.response.finish_reasons")));
        Assert.True(queue.StartTimeUtc <= attempt.StartTimeUtc);

        // vLLM got the attempt span's context: the same trace, the attempt as parent.
        var sent = Assert.Single(upstream.TraceParents);
        Assert.Equal($"00-{traceId.ToHexString()}-{attempt.SpanId.ToHexString()}-01", sent);

        // No prompt text on any span.
        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains("secret prompt", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Without_a_recorder_the_inbound_traceparent_reaches_vllm_as_it_came_and_none_is_invented()
    {
        // No listener: hosting makes no server Activity, so the inbound context is all the gateway has to pass on.
        await using var upstream = await CapturingUpstream.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(upstream: upstream.BaseUrl);
        await gateway.WaitUntilReadyAsync();
        const string Inbound = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        using (var traced = gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""))
        {
            traced.Headers.TryAddWithoutValidation("traceparent", Inbound);
            using var response = await gateway.Client.SendAsync(traced);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var untraced = gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}]}"""))
        {
            using var response = await gateway.Client.SendAsync(untraced);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([Inbound, ""], upstream.TraceParents.ToArray());
    }

    /// <summary>A minimal vLLM on a loopback port that passes the gateway's probes and records each completion's <c>traceparent</c>.</summary>
    private sealed class CapturingUpstream : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private CapturingUpstream(WebApplication app, string baseUrl)
        {
            _app = app;
            BaseUrl = baseUrl;
        }

        public string BaseUrl { get; }

        public ConcurrentQueue<string> TraceParents { get; } = new();

        public static async Task<CapturingUpstream> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            CapturingUpstream? self = null;
            app.MapGet("/health", () => Results.Ok());
            app.MapGet("/metrics", () => Results.Text("", "text/plain"));
            app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"test-model","object":"model","max_model_len":4096}]}""", "application/json"));
            app.MapPost("/v1/chat/completions", (HttpContext context) =>
            {
                self!.TraceParents.Enqueue(context.Request.Headers["traceparent"].ToString());
                return Results.Text(
                    """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}""",
                    "application/json");
            });
            await app.StartAsync();
            self = new CapturingUpstream(app, GatewayApp.BoundAddress(app).ToString());
            return self;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
