namespace Gateway.Streams.Proxy;

/// <summary>
/// An error the gateway answers with, rendered as the OpenAI envelope
/// <c>{"error":{"message","type","param","code"}}</c>. <see cref="Code"/> keeps the Python gateway's
/// code strings (<c>model_not_found</c>, <c>rate_limit_exceeded</c>, ...) so existing dashboards keep working.
/// This file is the catalogue: every error the gateway sends is built by one of the named factories below
/// (upstream failures go through the upstream error mapper, which uses them too).
/// </summary>
public sealed partial record GatewayError(int Status, string Message, string Type, string? Code, string? Param = null)
{
    /// <summary>The status logged for a request whose client went away (nginx's convention); never sent.</summary>
    public const int ClientClosedStatus = 499;

    private const string InvalidRequest = "invalid_request_error";
    private const string Authentication = "authentication_error";
    private const string UpstreamType = "upstream_error";

    /// <summary>The codes the tool pre-flight (<c>ToolRequestValidator</c>) answers with; passed through <see cref="InvalidToolRequest"/>.</summary>
    public static IReadOnlyList<string> ToolValidationCodes { get; } =
    [
        "model_does_not_support_tools", "invalid_tools", "invalid_tool_definition", "invalid_tool_choice", "tool_choice_not_found",
    ];

    /// <summary>Every <see cref="Code"/> the catalogue can produce (the README's error table lists the same set).</summary>
    public static IReadOnlyList<string> Codes { get; } =
    [
        "invalid_json", "invalid_body", "missing_required_parameter", "invalid_type",
        .. ToolValidationCodes,
        .. AdminCodes,
        "missing_bearer_token", "invalid_bearer_token", "key_disabled", "model_not_allowed", "model_not_found", "not_found",
        "method_not_allowed", "payload_too_large", "rate_limit_exceeded", "upstream_client_error",
        "upstream_unavailable", "model_overloaded", "upstream_timeout", "internal_error", "client_closed_request",
        "unsupported_media_type", "unsupported_content_encoding", "invalid_utf8", "invalid_unicode_escape", "json_too_deep",
        "invalid_value", "integer_above_max_value", "decimal_above_max_value", "integer_below_min_value", "decimal_below_min_value",
        "empty_array", "array_above_max_length",
        .. PhaseTimeoutCodes,
        .. EdgeCodes,
    ];

    /// <summary>A request whose client left: nobody reads the answer, it only has to end.</summary>
    public static GatewayError ClientClosed { get; } = new(ClientClosedStatus, "The client closed the request.", "client_closed", "client_closed_request");

    /// <summary>Seconds to put in <c>Retry-After</c>, when the client should come back later.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>
    /// Why, in a word from a closed set, for metrics and the access log only (never sent): the class of an upstream
    /// failure (<c>connect</c>, <c>http_5xx</c>, ...) or the reason a request was shed (<c>queue_full</c>, ...).
    /// Null when the code says it all.
    /// </summary>
    public string? Cause { get; init; }

    /// <summary>The client went away: there is nobody to answer, only a slot to free and a line to log.</summary>
    public bool IsClientClosed => Status == ClientClosedStatus;

    public static GatewayError InvalidJson(string message) => new(400, message, InvalidRequest, "invalid_json");

    public static GatewayError InvalidBody(string message) => new(400, message, InvalidRequest, "invalid_body");

    public static GatewayError MissingParameter(string param) =>
        new(400, $"Missing required parameter: '{param}'.", InvalidRequest, "missing_required_parameter", param);

    public static GatewayError InvalidType(string message, string param) => new(400, message, InvalidRequest, "invalid_type", param);

    /// <summary>The tool pre-flight refused the request; <paramref name="code"/> is one of <see cref="ToolValidationCodes"/>.</summary>
    public static GatewayError InvalidToolRequest(string message, string code, string? param) => new(400, message, InvalidRequest, code, param);

    public static GatewayError MissingBearerToken() =>
        new(401, "Missing bearer token: send 'Authorization: Bearer <key>'.", Authentication, "missing_bearer_token");

    public static GatewayError InvalidBearerToken() => new(401, "Invalid bearer token.", Authentication, "invalid_bearer_token");

    public static GatewayError KeyDisabled() =>
        new(401, "This API key is disabled.", Authentication, "key_disabled");

    public static GatewayError ModelNotAllowed(string model) =>
        new(403, $"This API key may not use the model `{model}`.", "permission_error", "model_not_allowed", "model");

    public static GatewayError ModelNotFound(string model) =>
        new(404, $"The model `{model}` does not exist.", InvalidRequest, "model_not_found", "model");

    /// <summary>An unknown model; the message lists the models the caller may use (<paramref name="usable"/>: only those).</summary>
    public static GatewayError ModelNotFound(string model, IReadOnlyList<string> usable)
    {
        const int MaxListed = 20;
        var listed = string.Join(", ", usable.Take(MaxListed).Select(m => $"`{m}`"));
        var rest = usable.Count > MaxListed ? $" and {usable.Count - MaxListed} more" : "";
        var hint = usable.Count == 0 ? " This API key may not use any model." : $" Models you may use: {listed}{rest}.";
        return new(404, $"The model `{model}` does not exist.{hint}", InvalidRequest, "model_not_found", "model");
    }

    public static GatewayError RouteNotFound(string method, string path) =>
        new(404, $"Unknown route: {method} {path}.", InvalidRequest, "not_found");

    public static GatewayError MethodNotAllowed(string method, string path, string allow = "POST") =>
        new(405, $"Method {method} is not allowed on {path}; use {allow}.", InvalidRequest, "method_not_allowed");

    public static GatewayError PayloadTooLarge(long cap, long? declared) => new(
        413,
        declared is { } n
            ? $"Request body declared {n} bytes exceeds the gateway cap of {cap}."
            : $"Request body exceeds the gateway cap of {cap} bytes.",
        InvalidRequest,
        "payload_too_large");

    public static GatewayError RateLimited(string message, int retryAfterSeconds) =>
        new(429, message, "rate_limit_error", "rate_limit_exceeded") { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>vLLM refused the request with a 4xx: its status and message are kept.</summary>
    public static GatewayError UpstreamClientError(int status, string message, string? param, int? retryAfterSeconds)
    {
        var type = status switch
        {
            401 or 403 => Authentication,
            404 => "not_found_error",
            429 => "rate_limit_error",
            _ => InvalidRequest,
        };
        return new GatewayError(status, message, type, "upstream_client_error", param)
        {
            RetryAfterSeconds = status == 429 ? retryAfterSeconds : null,
        };
    }

    public static GatewayError InternalError() =>
        new(500, "The gateway failed to handle the request.", "server_error", "internal_error");

    public static GatewayError InternalError(string message) => new(500, message, "server_error", "internal_error");

    public static GatewayError Overloaded(string message, int retryAfterSeconds) =>
        new(503, message, "service_unavailable", "model_overloaded") { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError UpstreamUnavailable(string message, int status = 502, int? retryAfterSeconds = null) =>
        new(status, message, UpstreamType, "upstream_unavailable") { RetryAfterSeconds = retryAfterSeconds };

    public static GatewayError UpstreamTimeout(string message) =>
        new(504, message, UpstreamType, "upstream_timeout");
}
