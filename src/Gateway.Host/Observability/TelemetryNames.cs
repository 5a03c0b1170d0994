using Gateway.Streams.Proxy;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Host.Observability;

/// <summary>
/// The one place for every metric name, attribute name and histogram bucket the gateway exports. Instruments are
/// named as OpenTelemetry names them (dots); the Prometheus exporter writes them with underscores plus the unit
/// and <c>_total</c> suffixes (<see cref="PrometheusNames"/> lists the exported families, which the dashboard test reads).
/// </summary>
internal static class TelemetryNames
{
    public const string MeterName = "Gateway";
    public const string ActivitySourceName = GatewayTracing.SourceName;

    // HTTP
    public const string HttpRequestDuration = "gateway.http.server.request.duration";

    // GenAI (OpenTelemetry semantic conventions)
    public const string TimeToFirstToken = "gen_ai.server.time_to_first_token";
    public const string TimePerOutputToken = "gen_ai.server.time_per_output_token";
    public const string RequestDuration = "gen_ai.server.request.duration";
    public const string TokenUsage = "gen_ai.client.token.usage";

    // Gateway
    public const string Tokens = "gateway.tokens";
    public const string RequestsInFlight = "gateway.requests.in_flight";
    public const string RequestsQueued = "gateway.requests.queued";
    public const string QueueWait = "gateway.queue.wait";
    public const string Retries = "gateway.retries";
    public const string ModelReady = "gateway.model.ready";
    public const string ReplicaInFlight = "gateway.replica.in_flight";
    public const string ReplicaReady = "gateway.replica.ready";
    public const string ReplicaEjected = "gateway.replica.ejected";
    public const string ReplicaEjections = "gateway.replica.ejections";
    public const string ReplicaGatewayFailures = "gateway.replica.gateway_failures";
    public const string ReplicaRetries = "gateway.replica.retries";
    public const string Timeouts = "gateway.timeouts";
    public const string ClientCancellations = "gateway.client.cancellations";
    public const string Sheds = "gateway.sheds";
    public const string UpstreamErrors = "gateway.upstream.errors";
    public const string KeyRequests = "gateway.key.requests";
    public const string KeyTokens = "gateway.key.tokens";
    public const string ToolCallParseFailures = ToolCallMetrics.ParseFailuresName;

    // Attributes
    public const string OperationName = "gen_ai.operation.name";
    public const string RequestModel = "gen_ai.request.model";
    public const string ProviderName = "gen_ai.provider.name";
    public const string TokenType = "gen_ai.token.type";
    public const string ErrorType = "error.type";
    public const string Replica = "gateway.replica";
    public const string Key = "gateway.key";
    public const string Phase = "gateway.phase";
    public const string Reason = "gateway.reason";
    public const string HttpRoute = "http.route";
    public const string HttpMethod = "http.request.method";
    public const string HttpStatusClass = "http.response.status_class";

    public const string Provider = "vllm";

    // Bucket boundaries, as the GenAI semantic conventions specify them.
    public static readonly double[] TimeToFirstTokenBuckets =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];

    public static readonly double[] TimePerOutputTokenBuckets =
        [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];

    public static readonly double[] RequestDurationBuckets =
        [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    public static readonly long[] TokenUsageBuckets =
        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>Queue waits: from a millisecond up to past the default queue timeout (60 s).</summary>
    public static readonly double[] QueueWaitBuckets =
        [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    /// <summary>HTTP server durations: the ASP.NET Core defaults.</summary>
    public static readonly double[] HttpDurationBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Every metric family as Prometheus sees it (histograms without their <c>_bucket</c>/<c>_sum</c>/<c>_count</c>).</summary>
    public static IReadOnlyList<string> PrometheusNames { get; } =
    [
        "gateway_http_server_request_duration_seconds",
        "gen_ai_server_time_to_first_token_seconds",
        "gen_ai_server_time_per_output_token_seconds",
        "gen_ai_server_request_duration_seconds",
        "gen_ai_client_token_usage",
        "gateway_tokens_total",
        "gateway_requests_in_flight",
        "gateway_requests_queued",
        "gateway_queue_wait_seconds",
        "gateway_retries_total",
        "gateway_model_ready",
        "gateway_replica_in_flight",
        "gateway_replica_ready",
        "gateway_replica_ejected",
        "gateway_replica_ejections_total",
        "gateway_replica_gateway_failures_total",
        "gateway_replica_retries_total",
        "gateway_timeouts_total",
        "gateway_client_cancellations_total",
        "gateway_sheds_total",
        "gateway_upstream_errors_total",
        "gateway_key_requests_total",
        "gateway_key_tokens_total",
        ToolCallMetrics.ParseFailuresName,
    ];
}
