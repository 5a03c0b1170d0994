namespace Gateway.Streams.Proxy;

/// <summary>
/// Part of the catalogue: the errors of the HTTP edge itself: a client too slow or too large for the server's
/// limits, a malformed <c>Authorization</c> header, and a gateway that is shutting down.
/// </summary>
public sealed partial record GatewayError
{
    /// <summary>Seconds a client is told to wait before retrying a gateway that is shutting down.</summary>
    public const int ShuttingDownRetryAfterSeconds = 1;

    /// <summary>The codes of this part, included in <see cref="Codes"/> (computed, so the order of static initializers across files cannot matter).</summary>
    public static IReadOnlyList<string> EdgeCodes =>
    [
        "shutting_down", "request_timeout", "request_header_fields_too_large", "uri_too_long",
    ];

    /// <summary>The gateway is draining for shutdown: new requests are refused; in-flight streams still running at the drain timeout end with it.</summary>
    public static GatewayError ShuttingDown(string message) =>
        new(503, message, "service_unavailable", "shutting_down") { RetryAfterSeconds = ShuttingDownRetryAfterSeconds };

    /// <summary>The request body arrived more slowly than the server's minimum data rate.</summary>
    public static GatewayError RequestTimeout() => new(
        408, "The request body arrived too slowly; send it at a steady rate.", InvalidRequest, "request_timeout");

    public static GatewayError HeaderFieldsTooLarge(string message) => new(431, message, InvalidRequest, "request_header_fields_too_large");

    public static GatewayError UriTooLong(int cap, int length) => new(
        414, $"The request target is {length} bytes long; the gateway accepts at most {cap}.", InvalidRequest, "uri_too_long");

    /// <summary>An <c>Authorization</c> header that is present but cannot be one bearer key: repeated, or with whitespace or control characters inside the key.</summary>
    public static GatewayError MalformedAuthorization(string reason) => new(
        401, $"Malformed Authorization header: {reason}; send exactly one 'Authorization: Bearer <key>'.", Authentication, "invalid_bearer_token");
}
