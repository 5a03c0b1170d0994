using System.Buffers;

namespace Gateway.Host.Http;

/// <summary>
/// Accepts a well-formed <c>X-Request-ID</c> (or the Python gateway's <c>X-Correlation-ID</c>), generates one
/// otherwise, and echoes both headers on every response.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    private const string RequestIdHeader = "X-Request-ID";
    private const string CorrelationIdHeader = "X-Correlation-ID";
    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var requestId = WellFormed(headers[RequestIdHeader]);
        var correlationId = WellFormed(headers[CorrelationIdHeader]);
        requestId ??= correlationId ?? NewRequestId();
        correlationId ??= requestId;

        context.TraceIdentifier = requestId;
        context.Features.Set(new GatewayRequestFeature { RequestId = requestId });
        context.Response.Headers[RequestIdHeader] = requestId;
        context.Response.Headers[CorrelationIdHeader] = correlationId;
        return next(context);
    }

    /// <summary>
    /// 32 lowercase hex characters (as a UUID's hex form) from 128 random bits. The bits need to be unique, not
    /// secret: a per-thread pseudo-random generator, not the system's cryptographic source (a system call each).
    /// </summary>
    public static string NewRequestId() => string.Create(32, 0, static (chars, _) =>
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        Convert.TryToHexStringLower(bytes, chars, out _);
    });

    /// <summary>1–128 characters of <c>[A-Za-z0-9._-]</c>, as the Python gateway accepted.</summary>
    public static string? WellFormed(string? value) =>
        value is { Length: > 0 and <= 128 } && !value.AsSpan().ContainsAnyExcept(Allowed) ? value : null;
}
