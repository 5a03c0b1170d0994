using Gateway.Streams.Proxy;

namespace Gateway.Host.Observability;

/// <summary>
/// How a request ended, derived once at its end from the final status, error and relay result: the access log's
/// <c>outcome</c> (<c>ok</c>, <c>client_cancelled</c>, <c>timeout:&lt;phase&gt;</c>, <c>shed:&lt;reason&gt;</c>,
/// <c>upstream_error</c>, <c>client_error</c>, <c>error</c>) and the labels of the counters it moves.
/// </summary>
internal readonly record struct RequestOutcome(string Name, string? TimeoutPhase = null, string? ShedReason = null, string? UpstreamErrorClass = null)
{
    public static RequestOutcome Ok { get; } = new("ok");

    public static RequestOutcome ClientCancelled { get; } = new("client_cancelled");

    public bool IsOk => Name == "ok";

    public static RequestOutcome Timeout(string phase) => new("timeout:" + phase, TimeoutPhase: phase);

    public static RequestOutcome Shed(string reason) => new("shed:" + reason, ShedReason: reason);

    public static RequestOutcome UpstreamError(string errorClass) => new("upstream_error", UpstreamErrorClass: errorClass);

    /// <param name="replicaChosen">The request was sent to a replica (false: refused before any upstream work).</param>
    /// <param name="clientGone">The client's connection went away (a write into a closed response can surface as a relay failure first).</param>
    public static RequestOutcome Classify(int status, GatewayError? error, RelayResult? relay, bool replicaChosen, bool clientGone = false)
    {
        if (status == GatewayError.ClientClosedStatus || relay == RelayResult.ClientAborted || error is { IsClientClosed: true }
            || (clientGone && relay != RelayResult.Completed && error is null))
        {
            return ClientCancelled;
        }

        switch (relay)
        {
            case RelayResult.UpstreamTimedOut:
                return Timeout("total");
            case RelayResult.UpstreamFailed:
                return UpstreamError("stream_failed");
            case RelayResult.UpstreamTruncated:
                return UpstreamError("stream_truncated");
        }

        switch (error?.Code)
        {
            case "queue_timeout":
                return Timeout("queue");
            case "upstream_connect_timeout":
                return Timeout("connect");
            case "upstream_ttft_timeout":
                return Timeout("ttft");
            case "upstream_idle_timeout":
                return Timeout("idle");
            case "upstream_timeout":
                return Timeout("total");
            case "model_overloaded":
                return Shed("overloaded");
            case "rate_limit_exceeded":
                return Shed("rate_limited");
            case "shutting_down":
                return Shed("shutting_down");
            case "upstream_unavailable" when !replicaChosen:
                return Shed("no_replica");
            case "upstream_unavailable":
                return UpstreamError(ClassOf(error.Message));
        }

        return status switch
        {
            < 400 => Ok,
            < 500 => new RequestOutcome("client_error"),
            _ => new RequestOutcome("error"),
        };
    }

    /// <summary>The class of an <c>upstream_unavailable</c> error, from <see cref="Gateway.Streams.Upstream.UpstreamErrorMapper"/>'s wording.</summary>
    private static string ClassOf(string message) =>
        message.Contains("not reachable", StringComparison.Ordinal) ? "connect"
        : message.Contains("returned", StringComparison.Ordinal) ? "http_5xx"
        : message.Contains("while sending", StringComparison.Ordinal) || message.Contains("exceeds", StringComparison.Ordinal) ? "response_failed"
        : "other";
}
