using Gateway.Host.Observability;

namespace Gateway.Host.Http;

/// <summary>
/// Times each request and, when the response (or the stream) has ended, hands it to <see cref="RequestTelemetry"/>:
/// one structured log line, the request metrics and the server span's tags. Never logs headers or bodies.
/// </summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, RequestTelemetry telemetry, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            telemetry.Complete(context, started);
        }
    }
}
