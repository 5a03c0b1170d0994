using System.Diagnostics;

namespace Gateway.Host.Observability;

/// <summary>
/// The trace a request belongs to: the server span's context while spans are recorded, otherwise the inbound
/// <c>traceparent</c> as the client sent it (nothing when it sent none). Hosting creates no <c>Activity</c> when
/// nothing records spans (its logging category is off), so this is where the untraced request finds its trace.
/// </summary>
internal static class InboundTrace
{
    public static ActivityContext Of(HttpContext context)
    {
        if (Activity.Current is { } activity)
        {
            return activity.Context;
        }

        var headers = context.Request.Headers;
        var parent = headers.TraceParent;
        if (parent.Count == 0)
        {
            return default;
        }

        var state = headers.TraceState;
        return ActivityContext.TryParse(parent.ToString(), state.Count == 0 ? null : state.ToString(), isRemote: true, out var inbound)
            ? inbound
            : default;
    }

    /// <summary>The trace id in hex, or null when the request has no trace.</summary>
    public static string? TraceIdOf(HttpContext context) => Of(context).TraceId is var id && id != default ? id.ToHexString() : null;
}
