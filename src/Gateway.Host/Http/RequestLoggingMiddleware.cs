using System.Diagnostics;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Http;

/// <summary>One structured log line per request, written when the response (or the stream) has ended. Never logs headers or bodies.</summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var facts = GatewayRequestFeature.Of(context);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? GatewayError.ClientClosedStatus : context.Response.StatusCode;
            var usage = facts.Usage;
            // Probes arrive every few seconds from orchestrators: successful ones are logged at Debug only.
            var level = status < 400 && BearerAuthMiddleware.IsOpenPath(context.Request.Path) ? LogLevel.Debug : LogLevel.Information;
            logger.Log(
                level,
                "{Method} {Path} {Status} {ElapsedMs:0.0} ms model={Model} key={Key} code={ErrorCode} relay={Relay} prompt_tokens={PromptTokens} completion_tokens={CompletionTokens} request_id={RequestId}",
                context.Request.Method,
                Sanitize(context.Request.Path.Value),
                status,
                elapsed,
                Sanitize(facts.Model),
                facts.KeyName,
                facts.ErrorCode,
                facts.Relay?.ToString(),
                usage?.PromptTokens,
                usage?.CompletionTokens,
                facts.RequestId);
        }
    }

    /// <summary>Control characters in a client-supplied path or model name would forge log lines.</summary>
    private static string? Sanitize(string? path) =>
        path is null || !path.AsSpan().ContainsAnyInRange('\0', '\u001f') ? path : string.Create(path.Length, path, (span, p) =>
        {
            for (var i = 0; i < p.Length; i++)
            {
                span[i] = char.IsControl(p[i]) ? '\uFFFD' : p[i];
            }
        });
}
