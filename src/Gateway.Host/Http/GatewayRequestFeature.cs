using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;

namespace Gateway.Host.Http;

/// <summary>
/// Everything the gateway learns about one request, in one typed feature (as YARP's <c>IReverseProxyFeature</c>):
/// set by the first middleware (<see cref="RequestIdMiddleware"/>), filled in by auth and the endpoints, and read
/// by the access log. Replaces string keys in <c>HttpContext.Items</c>.
/// </summary>
internal sealed class GatewayRequestFeature
{
    public required string RequestId { get; init; }

    /// <summary>The model the client named (unvalidated text: sanitize before logging).</summary>
    public string? Model { get; set; }

    /// <summary>The configured model the request resolved to (safe as a metric label), once it did.</summary>
    public string? ModelId { get; set; }

    /// <summary>The authenticated key, when auth is on.</summary>
    public ApiKeyIdentity? Identity { get; set; }

    public string? KeyName => Identity?.Name;

    /// <summary>The <c>code</c> of the error the gateway answered with, if any.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The error the gateway answered with, if any (its code is <see cref="ErrorCode"/>).</summary>
    public GatewayError? Error { get; set; }

    /// <summary>The request element handed to the model's pipeline, once admitted: replica, retries, queue times.</summary>
    public ProxyRequest? Request { get; set; }

    /// <summary><see cref="TimeProvider"/> timestamp of the first streamed event written to the client (0: none).</summary>
    public long FirstTokenAt { get; set; }

    public RelayResult? Relay { get; set; }

    /// <summary>The token usage vLLM reported (plain body or the stream's usage chunk), when it did.</summary>
    public TokenUsage? Usage { get; set; }

    /// <summary>Generated deltas relayed on a stream: its completion tokens when vLLM's usage chunk never came.</summary>
    public int DeltasRelayed { get; set; }

    /// <summary>What the key is charged (<see cref="Usage"/>, or for a stream cut short the prompt estimate and the deltas); set when the response ends.</summary>
    public TokenUsage? ChargedUsage { get; set; }

    /// <summary>The prompt and completion text to log, only when the key or the model has <c>logContent</c> on (else null).</summary>
    public Observability.ContentCapture? Content { get; set; }

    /// <summary>The request's feature; created on first use when the request-id middleware did not run (tests, error paths).</summary>
    public static GatewayRequestFeature Of(HttpContext context)
    {
        if (context.Features.Get<GatewayRequestFeature>() is { } feature)
        {
            return feature;
        }

        feature = new GatewayRequestFeature { RequestId = context.TraceIdentifier };
        context.Features.Set(feature);
        return feature;
    }
}
