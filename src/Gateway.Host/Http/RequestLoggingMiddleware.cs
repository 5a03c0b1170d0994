using Gateway.Host.Observability;

namespace Gateway.Host.Http;

/// <summary>
/// Times each request and, when the response (or the stream) has ended, hands it to <see cref="RequestTelemetry"/>:
/// one structured log line, the request metrics and the server span's tags. Never logs headers or bodies.
/// </summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, RequestTelemetry telemetry, TimeProvider time, ILogger<RequestLoggingMiddleware> logger)
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
            try
            {
                telemetry.Complete(context, started);
            }
            catch (Exception e)
            {
                // Telemetry must never fail a request.
                logger.LogError(e, "Recording request telemetry failed");
            }
        }
    }
}
