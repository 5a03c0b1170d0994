using System.Text;
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
    private const int MaxTextBodyLength = 200;

    /// <summary>
    /// A non-2xx answer. A 4xx keeps vLLM's own message as it is (clients match on it); a 5xx says
    /// <c>vLLM upstream returned 500: &lt;vLLM's message&gt;</c>. vLLM's message is <c>error.message</c>, a string
    /// <c>error</c>, the old flat <c>message</c>, FastAPI's <c>detail</c> (an unknown route: <c>Not Found</c>), or a
    /// short non-JSON body (a proxy's <c>Bad Gateway</c>); an empty body is said to be empty.
    /// </summary>
    public static GatewayError FromStatus(int status, ReadOnlySpan<byte> body, int? retryAfterSeconds)
    {
        if (status is >= 300 and < 400)
        {
            return GatewayError.UpstreamUnavailable($"vLLM upstream answered {status} (a redirect); redirects are not followed.") with { Cause = "redirect" };
        }

        var (message, param, fromJson) = ReadMessage(body);
        if (status >= 500)
        {
            var text = message is null ? $"vLLM upstream returned {status} with an empty body." : $"vLLM upstream returned {status}: {message}";
            return (status == 503
                ? GatewayError.UpstreamUnavailable(text, 503, retryAfterSeconds ?? 1)
                : GatewayError.UpstreamUnavailable(text)) with { Cause = "http_5xx" };
        }

        var clientText = message switch
        {
            null => $"vLLM upstream returned {status} with an empty body.",
            _ when fromJson => message,
            _ => $"vLLM upstream returned {status}: {message}",
        };
        return GatewayError.UpstreamClientError(status, clientText, param, retryAfterSeconds);
    }

    /// <summary>The request could not be sent to a replica because none was selected.</summary>
    public static GatewayError NoReplicaSelected() =>
        GatewayError.UpstreamUnavailable("No upstream replica was selected for this request.", 503, 1) with { Cause = "no_replica" };

    /// <summary>
    /// Sending the request or waiting for the response headers failed. A failure to connect (refused, no route, name
    /// resolution, TLS) says "not reachable"; a connection that was made and then dropped before the headers says so.
    /// </summary>
    public static GatewayError FromDispatchFailure(Exception e, bool clientAborted, TimeSpan requestTimeout, TimeSpan? connectTimeout = null) => e switch
    {
        OperationCanceledException when clientAborted => GatewayError.ClientClosed,
        _ when IsConnectTimeout(e) => GatewayError.UpstreamConnectTimeout(
            $"vLLM upstream did not accept a connection within {(connectTimeout ?? TimeSpan.FromSeconds(10)).TotalSeconds:0.###} s."),
        OperationCanceledException => GatewayError.UpstreamTimeout($"vLLM upstream did not answer within {requestTimeout.TotalSeconds:0.###} s."),
        HttpRequestException http when IsConnectFailure(http) => GatewayError.UpstreamUnavailable($"vLLM upstream not reachable: {Describe(http)}") with { Cause = "connect" },
        HttpRequestException http => GatewayError.UpstreamUnavailable($"vLLM upstream closed the connection before sending the response headers: {Describe(http)}") with { Cause = "connection_closed" },
        _ => GatewayError.UpstreamUnavailable($"vLLM upstream failed: {e.GetType().Name}") with { Cause = "other" },
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
            : GatewayError.UpstreamUnavailable($"vLLM upstream failed while sending the response: {e.GetType().Name}") with { Cause = "response_failed" };
    }

    /// <summary>A plain response body larger than the relay accepts.</summary>
    public static GatewayError ResponseTooLarge(int maxBytes) =>
        GatewayError.UpstreamUnavailable($"vLLM upstream response exceeds {maxBytes} bytes.") with { Cause = "response_too_large" };

    /// <summary>A streaming request answered 2xx with something other than <c>text/event-stream</c>.</summary>
    public static GatewayError NotAnEventStream(string? contentType) =>
        GatewayError.UpstreamUnavailable($"vLLM upstream answered a streaming request with Content-Type '{contentType ?? "(none)"}' instead of text/event-stream.") with { Cause = "not_event_stream" };

    /// <summary>The in-band error for an upstream stream that broke the SSE rules (an event not JSON, or too large).</summary>
    public static GatewayError MalformedStream(string reason) =>
        GatewayError.UpstreamUnavailable($"vLLM upstream sent a malformed stream: {reason}") with { Cause = "malformed_stream" };

    /// <summary>The in-band error for a stream that ended without <c>[DONE]</c>.</summary>
    public static GatewayError FromStreamResult(RelayResult result) => result switch
    {
        RelayResult.UpstreamTimedOut => GatewayError.UpstreamTimeout("vLLM upstream timed out while streaming."),
        RelayResult.UpstreamTtftTimedOut => GatewayError.UpstreamTtftTimeout("vLLM upstream sent no first event within the time-to-first-token timeout."),
        RelayResult.UpstreamIdleTimedOut => GatewayError.UpstreamIdleTimeout("vLLM upstream sent nothing for longer than the idle timeout while streaming."),
        RelayResult.UpstreamTruncated => GatewayError.UpstreamUnavailable("vLLM upstream closed the stream before it completed.") with { Cause = "stream_truncated" },
        RelayResult.GatewayStopped => GatewayError.ShuttingDown("The gateway is shutting down; the stream was ended before it completed."),
        _ => GatewayError.UpstreamUnavailable("vLLM upstream failed while streaming.") with { Cause = "stream_failed" },
    };

    /// <summary>SocketsHttpHandler's <c>ConnectTimeout</c> surfaces as a <see cref="TimeoutException"/> inside the failure.</summary>
    private static bool IsConnectTimeout(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    // SocketsHttpHandler reports every failure of its connect step (refused, unreachable, timed out, closed during the
    // handshake) as ConnectionError with a SocketException inside; a reset after the request went out is an IOException.
    private static bool IsConnectFailure(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError => true,
        HttpRequestError.ConnectionError => e.InnerException is not IOException,
        _ => false,
    };

    private static string Describe(HttpRequestException e)
    {
        var kind = e.HttpRequestError == HttpRequestError.Unknown ? e.GetType().Name : e.HttpRequestError.ToString();
        var socket = FindSocketError(e);
        return socket is null ? kind : $"{kind} ({socket})";
    }

    private static System.Net.Sockets.SocketError? FindSocketError(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException socket)
            {
                return socket.SocketErrorCode;
            }
        }

        return null;
    }

    /// <summary>vLLM's message and <c>param</c>; <c>FromJson</c> false when the message is a plain-text body.</summary>
    private static (string? Message, string? Param, bool FromJson) ReadMessage(ReadOnlySpan<byte> body)
    {
        if (body.Trim((byte)' ').IsEmpty)
        {
            return (null, null, false);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (Bound(root.GetRawText()), null, false);
            }

            string? message = null;
            string? param = null;
            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    message = StringOf(error, "message");
                    param = StringOf(error, "param");
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
            }

            message ??= StringOf(root, "message");
            if (!string.IsNullOrWhiteSpace(message))
            {
                return (message.Length > MaxMessageLength ? message[..MaxMessageLength] : message, param, true);
            }

            // FastAPI's own answers (an unknown route: {"detail":"Not Found"}; request validation: a list) are not
            // vLLM error envelopes: they go out after the status, like a text body.
            if (root.TryGetProperty("detail", out var detail))
            {
                return (Bound(detail.ValueKind == JsonValueKind.String ? detail.GetString()! : detail.GetRawText()), param, false);
            }

            return (Bound(root.GetRawText()), param, false);
        }
        catch (JsonException)
        {
            return (Bound(Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxTextBodyLength * 4)])), null, false);
        }
    }

    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A non-JSON body as one short line: control characters become spaces, at most 200 characters.</summary>
    private static string? Bound(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxTextBodyLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxTextBodyLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        var line = builder.ToString().Trim();
        return line.Length == 0 ? null : line;
    }
}
