using Gateway.Streams.Proxy;

namespace Gateway.Host.Observability;

/// <summary>
/// How a request ended, derived once at its end from the final status, error and relay result: the access log's
/// <c>outcome</c> (<c>ok</c>, <c>client_cancelled</c>, <c>timeout:&lt;phase&gt;</c>, <c>shed:&lt;reason&gt;</c>,
/// <c>upstream_error</c>, <c>client_error</c>, <c>error</c>) and the labels of the counters it moves. Phases, reasons
/// and error classes come from closed sets (the error codes and <see cref="GatewayError.Cause"/>), never from text.
/// </summary>
internal readonly record struct RequestOutcome(string Name, string? TimeoutPhase = null, string? ShedReason = null, string? UpstreamErrorClass = null)
{
    public static RequestOutcome Ok { get; } = new("ok");

    public static RequestOutcome ClientCancelled { get; } = new("client_cancelled");

    public static RequestOutcome ClientError { get; } = new("client_error");

    public static RequestOutcome Error { get; } = new("error");

    public bool IsOk => Name == "ok";

    public static RequestOutcome Timeout(string phase) => new("timeout:" + phase, TimeoutPhase: phase);

    public static RequestOutcome Shed(string reason) => new("shed:" + reason, ShedReason: reason);

    public static RequestOutcome UpstreamError(string errorClass) => new("upstream_error", UpstreamErrorClass: errorClass);

    /// <param name="status">The status sent (499 when the client left before one was).</param>
    /// <param name="error">The error the gateway answered with, if any.</param>
    /// <param name="relay">How the relay of a 2xx upstream response ended, if one began.</param>
    /// <param name="clientGone">The client's connection went away (a write into a closed response can surface as a relay failure first).</param>
    public static RequestOutcome Classify(int status, GatewayError? error, RelayResult? relay, bool clientGone = false)
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
            case RelayResult.UpstreamTtftTimedOut:
                return Timeout("ttft");
            case RelayResult.UpstreamIdleTimedOut:
                return Timeout("idle");
            case RelayResult.GatewayStopped:
                return Shed("shutting_down");
            case RelayResult.UpstreamTruncated:
                return UpstreamError("stream_truncated");
            case RelayResult.UpstreamFailed:
                return UpstreamError(error?.Cause ?? "stream_failed");
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
                return Shed(error.Cause ?? "overloaded");
            case "rate_limit_exceeded":
                return Shed(error.Cause ?? "rate_limited");
            case "shutting_down":
                return Shed("shutting_down");
            case "upstream_unavailable" when error.Cause == "no_replica":
                return Shed("no_replica");
            case "upstream_unavailable":
                return UpstreamError(error.Cause ?? "other");
        }

        return status switch
        {
            < 400 => Ok,
            < 500 => ClientError,
            _ => Error,
        };
    }
}
