using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>Turns a non-2xx vLLM answer into the gateway's error, keeping vLLM's message for client errors.</summary>
internal static class UpstreamErrorMapper
{
    private const int MaxMessageLength = 1024;
    private const string Fallback = "Upstream returned an error.";

    public static GatewayError FromStatus(int status, ReadOnlySpan<byte> body, int? retryAfterSeconds)
    {
        if (status >= 500)
        {
            return status == 503
                ? GatewayError.UpstreamUnavailable($"vLLM upstream returned {status}", 503, retryAfterSeconds ?? 1)
                : GatewayError.UpstreamUnavailable($"vLLM upstream returned {status}");
        }

        var (message, param) = ReadMessage(body);
        var type = status switch
        {
            401 or 403 => "authentication_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            _ => "invalid_request_error",
        };
        return new GatewayError(status, message, type, "upstream_client_error", param)
        {
            RetryAfterSeconds = status == 429 ? retryAfterSeconds : null,
        };
    }

    /// <summary>Reads <c>error.message</c> (or a string <c>error</c>, or vLLM's old flat <c>message</c>).</summary>
    private static (string Message, string? Param) ReadMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Fallback, null);
            }

            string? message = null;
            string? param = null;
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    param = error.TryGetProperty("param", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
            }
            else if (root.TryGetProperty("message", out var flat) && flat.ValueKind == JsonValueKind.String)
            {
                message = flat.GetString();
            }

            if (string.IsNullOrWhiteSpace(message))
            {
                return (Fallback, param);
            }

            return (message.Length > MaxMessageLength ? message[..MaxMessageLength] : message, param);
        }
        catch (JsonException)
        {
            return (Fallback, null);
        }
    }
}
