using Gateway.Host.Shutdown;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Http;

/// <summary>
/// Counts every request but the probes into the shutdown drain, and once the drain refuses new work answers
/// them with 503 <c>shutting_down</c> and <c>Retry-After</c> (closing the connection, so the client reconnects
/// elsewhere). <c>/health</c>, <c>/ready</c> and <c>/metrics</c> keep answering until the process stops.
/// </summary>
internal sealed class DrainGateMiddleware(RequestDelegate next, GatewayDrain drain)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (IsProbe(context.Request.Path))
        {
            return next(context);
        }

        if (!drain.TryEnter())
        {
            context.Response.Headers.Connection = "close";
            return ErrorResponses.WriteAsync(context, GatewayError.ShuttingDown("The gateway is shutting down and takes no new requests; retry shortly."));
        }

        return RunAsync(context);
    }

    private async Task RunAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            drain.Exit();
        }
    }

    private static bool IsProbe(PathString path) =>
        path.Equals("/health", StringComparison.Ordinal) || path.Equals("/ready", StringComparison.Ordinal) || path.Equals("/metrics", StringComparison.Ordinal);
}
