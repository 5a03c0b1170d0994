using System.Globalization;
using Gateway.Host.Configuration;
using Gateway.Streams.Proxy;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Host.Http;

/// <summary>
/// Refuses requests whose headers or request target exceed the configured caps with a JSON 431/414. Kestrel
/// enforces twice these caps itself (a backstop bounding memory, answered with its own empty body), so every
/// refusal a client can trigger without exceeding the backstop carries the OpenAI error body.
/// </summary>
internal sealed class ClientLimitsMiddleware(RequestDelegate next, GatewaySettings settings)
{
    private const int SeparatorBytes = 4; // ": " and CRLF

    private readonly ClientLimitsSettings _limits = settings.Server.Limits;

    public Task InvokeAsync(HttpContext context)
    {
        if (Check(context) is { } error)
        {
            context.Response.Headers.Connection = "close";
            return ErrorResponses.WriteAsync(context, error);
        }

        return next(context);
    }

    private GatewayError? Check(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > _limits.MaxRequestTargetBytes)
        {
            return GatewayError.UriTooLong(_limits.MaxRequestTargetBytes, target.Length);
        }

        var count = 0;
        long bytes = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                count++;
                bytes += name.Length + SeparatorBytes + (value?.Length ?? 0);
            }
        }

        if (count > _limits.MaxRequestHeaderCount)
        {
            return GatewayError.HeaderFieldsTooLarge(string.Create(
                CultureInfo.InvariantCulture, $"The request has {count} header fields; the gateway accepts at most {_limits.MaxRequestHeaderCount}."));
        }

        if (bytes > _limits.MaxRequestHeadersTotalBytes)
        {
            return GatewayError.HeaderFieldsTooLarge(string.Create(
                CultureInfo.InvariantCulture, $"The request headers total {bytes} bytes; the gateway accepts at most {_limits.MaxRequestHeadersTotalBytes}."));
        }

        return null;
    }
}
