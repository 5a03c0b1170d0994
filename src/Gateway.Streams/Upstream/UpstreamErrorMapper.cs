using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>
/// The one place where upstream failures become client errors: a non-2xx vLLM answer (keeping vLLM's message for
/// client errors), a failure while waiting for the headers (the dispatcher), while reading a plain body and while
/// relaying a stream (the two relays).
/// </summary>
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
        return GatewayError.UpstreamClientError(status, message, param, retryAfterSeconds);
    }

    /// <summary>The request could not be sent to a replica because none was selected.</summary>
    public static GatewayError NoReplicaSelected() =>
        GatewayError.UpstreamUnavailable("No upstream replica was selected for this request.", 503, 1);

    /// <summary>Sending the request or waiting for the response headers failed.</summary>
    public static GatewayError FromDispatchFailure(Exception e, bool clientAborted, TimeSpan requestTimeout) => e switch
    {
        OperationCanceledException when clientAborted => GatewayError.ClientClosed,
        OperationCanceledException => GatewayError.UpstreamTimeout($"vLLM upstream did not answer within {requestTimeout.TotalSeconds:0.###} s."),
        HttpRequestException http => GatewayError.UpstreamUnavailable($"vLLM upstream not reachable: {Describe(http)}"),
        _ => GatewayError.UpstreamUnavailable($"vLLM upstream failed: {e.GetType().Name}"),
    };

    /// <summary>Reading a plain (non-streaming) response body failed.</summary>
    public static GatewayError FromBodyFailure(Exception e, bool clientAborted, bool timedOut)
    {
        if (clientAborted)
        {
            return GatewayError.ClientClosed;
        }

        return timedOut
            ? GatewayError.UpstreamTimeout("vLLM upstream timed out while sending the response.")
            : GatewayError.UpstreamUnavailable($"vLLM upstream failed while sending the response: {e.GetType().Name}");
    }

    /// <summary>A plain response body larger than the relay accepts.</summary>
    public static GatewayError ResponseTooLarge(int maxBytes) =>
        GatewayError.UpstreamUnavailable($"vLLM upstream response exceeds {maxBytes} bytes.");

    /// <summary>The in-band error for a stream that ended without <c>[DONE]</c>.</summary>
    public static GatewayError FromStreamResult(RelayResult result) => result switch
    {
        RelayResult.UpstreamTimedOut => GatewayError.UpstreamTimeout("vLLM upstream timed out while streaming."),
        RelayResult.UpstreamTruncated => GatewayError.UpstreamUnavailable("vLLM upstream closed the stream before it completed."),
        RelayResult.GatewayStopped => GatewayError.ShuttingDown("The gateway is shutting down; the stream was ended before it completed."),
        _ => GatewayError.UpstreamUnavailable("vLLM upstream failed while streaming."),
    };

    private static string Describe(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.Unknown ? e.GetType().Name : e.HttpRequestError.ToString();

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
