namespace Gateway.Streams.Proxy;

/// <summary>
/// An error the gateway answers with, rendered as the OpenAI envelope
/// <c>{"error":{"message","type","param","code"}}</c>. <see cref="Code"/> keeps the Python gateway's
/// code strings (<c>model_not_found</c>, <c>rate_limit_exceeded</c>, ...) so existing dashboards keep working.
/// </summary>
public sealed record GatewayError(int Status, string Message, string Type, string? Code, string? Param = null)
{
    /// <summary>Seconds to put in <c>Retry-After</c>, when the client should come back later.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static GatewayError BadRequest(string message, string? param = null, string code = "invalid_request") =>
        new(400, message, "invalid_request_error", code, param);

    public static GatewayError RateLimited(string message, int retryAfterSeconds) =>
        new(429, message, "rate_limit_error", "rate_limit_exceeded") { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError Overloaded(string message, int retryAfterSeconds) =>
        new(503, message, "service_unavailable", "model_overloaded") { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError UpstreamUnavailable(string message, int status = 502, int? retryAfterSeconds = null) =>
        new(status, message, "upstream_error", "upstream_unavailable") { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError UpstreamTimeout(string message) =>
        new(504, message, "upstream_error", "upstream_timeout");
}
