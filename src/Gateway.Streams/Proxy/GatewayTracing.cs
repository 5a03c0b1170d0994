using System.Diagnostics;

namespace Gateway.Streams.Proxy;

/// <summary>
/// The gateway's <see cref="ActivitySource"/> and the upstream-attempt span: a CLIENT span named
/// <c>chat {model}</c> (GenAI conventions) per attempt, child of the inbound request's span, whose context goes
/// to vLLM in <c>traceparent</c>. With no listener nothing is allocated and the inbound context is forwarded as is.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "Gateway";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts the span of one upstream attempt (null when nobody listens) and puts its context on <paramref name="message"/>.</summary>
    public static Activity? StartUpstreamAttempt(ProxyRequest request, UpstreamEndpoint endpoint, HttpRequestMessage message)
    {
        Activity? activity = null;
        if (Source.HasListeners())
        {
            activity = Source.StartActivity(ActivityKind.Client, request.TraceParent, name: OperationName(request.Path) + " " + request.ModelId);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("gen_ai.operation.name", OperationName(request.Path));
                activity.SetTag("gen_ai.provider.name", "vllm");
                activity.SetTag("gen_ai.request.model", request.ModelId);
                activity.SetTag("server.address", endpoint.BaseUri.Host);
                activity.SetTag("server.port", endpoint.BaseUri.Port);
                activity.SetTag("url.full", message.RequestUri?.AbsoluteUri);
            }
        }

        var context = activity?.Context ?? request.TraceParent;
        if (context.TraceId != default)
        {
            message.Headers.TryAddWithoutValidation("traceparent", TraceParentHeader(context));
        }

        return activity;
    }

    /// <summary>The GenAI operation of a vLLM path: <c>chat</c>, <c>text_completion</c>, <c>embeddings</c>, else the path's last segment.</summary>
    public static string OperationName(string path) => path switch
    {
        "/v1/chat/completions" => "chat",
        "/v1/completions" => "text_completion",
        "/v1/embeddings" => "embeddings",
        "/v1/responses" => "chat",
        _ => path[(path.LastIndexOf('/') + 1)..],
    };

    /// <summary>W3C <c>traceparent</c>: <c>00-{trace-id}-{span-id}-{flags}</c>.</summary>
    public static string TraceParentHeader(ActivityContext context) => string.Create(55, context, static (chars, c) =>
    {
        // One string, written in place (no hex strings of the ids first).
        Span<byte> id = stackalloc byte[16];
        "00-".CopyTo(chars);
        c.TraceId.CopyTo(id);
        Convert.TryToHexStringLower(id, chars[3..35], out _);
        chars[35] = '-';
        c.SpanId.CopyTo(id[..8]);
        Convert.TryToHexStringLower(id[..8], chars[36..52], out _);
        ((c.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "-01" : "-00").CopyTo(chars[52..]);
    });
}
