namespace Gateway.Streams.Proxy;

/// <summary>The phase timeouts of a request on its way to a replica (issue 8): each has its own code, all are 504 except the queue's 503.</summary>
public sealed partial record GatewayError
{
    /// <summary>The codes of <see cref="UpstreamConnectTimeout"/>, <see cref="QueueTimeout"/>, <see cref="UpstreamTtftTimeout"/> and <see cref="UpstreamIdleTimeout"/>.</summary>
    /// (A property, not a field: <c>Codes</c> in the other part of this record reads it during type initialization.)
    public static IReadOnlyList<string> PhaseTimeoutCodes => ["upstream_connect_timeout", "queue_timeout", "upstream_ttft_timeout", "upstream_idle_timeout"];

    /// <summary>No TCP connection to any tried replica within the connect timeout.</summary>
    public static GatewayError UpstreamConnectTimeout(string message) => new(504, message, UpstreamType, "upstream_connect_timeout");

    /// <summary>The request waited in the model's queue longer than the queue timeout, without being sent.</summary>
    public static GatewayError QueueTimeout(string message, int retryAfterSeconds) =>
        new(503, message, "service_unavailable", "queue_timeout") { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>No response headers (plain) or first event (stream) within the time-to-first-token timeout, on every replica tried.</summary>
    public static GatewayError UpstreamTtftTimeout(string message) => new(504, message, UpstreamType, "upstream_ttft_timeout");

    /// <summary>A stream went silent for longer than the idle timeout between events.</summary>
    public static GatewayError UpstreamIdleTimeout(string message) => new(504, message, UpstreamType, "upstream_idle_timeout");
}
