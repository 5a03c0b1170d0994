using System.Diagnostics;
using Gateway.Host.Http;
using Gateway.Streams.Proxy;
using Microsoft.AspNetCore.Routing;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>
/// Everything recorded when a request ends, in one place: the request's facts become a <see cref="RequestRecord"/>,
/// which moves the metrics, tags the server span, and becomes the one access-log line (only the fields that have
/// values), plus the content event of a request that opted in (<see cref="ContentLog"/>). Never reads headers.
/// </summary>
internal sealed class RequestTelemetry(GatewayMetrics metrics, TimeProvider time, AccessLog accessLog, ContentLog? contentLog = null)
{
    private const string Unmatched = "unmatched";
    private const string MetricsPath = "/metrics";

    public void Complete(HttpContext context, long startedAt)
    {
        var facts = GatewayRequestFeature.Of(context);
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(startedAt, now);
        var status = context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? GatewayError.ClientClosedStatus : context.Response.StatusCode;
        var request = facts.Request;
        var usage = facts.Usage;
        var outcome = RequestOutcome.Classify(status, facts.Error, facts.Relay, context.RequestAborted.IsCancellationRequested);
        double? ttft = null;
        double? perToken = null;
        if (facts.FirstTokenAt != 0 && request is { Stream: true })
        {
            ttft = time.GetElapsedTime(startedAt, facts.FirstTokenAt).TotalSeconds;
            if (outcome.IsOk && usage is { CompletionTokens: > 1 } u)
            {
                perToken = time.GetElapsedTime(facts.FirstTokenAt, now).TotalSeconds / (u.CompletionTokens - 1);
            }
        }

        double? queueWait = request is { EnqueuedAt: not 0, DequeuedAt: not 0 } ? time.GetElapsedTime(request.EnqueuedAt, request.DequeuedAt).TotalSeconds : null;
        var record = new RequestRecord
        {
            Route = RouteOf(context),
            Method = MethodOf(context.Request.Method),
            Status = status,
            Seconds = elapsed.TotalSeconds,
            Outcome = outcome,
            Model = request?.ModelId ?? facts.ModelId,
            Operation = request is null ? "chat" : GatewayTracing.OperationName(request.Path),
            Replica = request?.Endpoint?.Label,
            Key = facts.KeyName,
            PromptTokens = usage?.PromptTokens,
            CompletionTokens = usage?.CompletionTokens,
            TimeToFirstTokenSeconds = ttft,
            TimePerOutputTokenSeconds = perToken,
            QueueWaitSeconds = queueWait,
            Retries = request?.Retries ?? 0,
        };
        metrics.Record(record);
        TagServerSpan(Activity.Current, record);
        if (request?.UpstreamActivity is { } attempt)
        {
            TagUsage(attempt, record);
            attempt.Stop();
        }

        Log(context, facts, record);
        if (facts.Content is { } content && contentLog is not null)
        {
            contentLog.Write(content, facts.RequestId, InboundTrace.TraceIdOf(context), record.Key, record.Model ?? LogText.Sanitize(facts.Model), record.Outcome.Name);
        }
    }

    /// <summary>The matched route template; the fallback (unknown paths) and the metrics branch have fixed names.</summary>
    public static string RouteOf(HttpContext context)
    {
        if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template } && !template.Contains("*path", StringComparison.Ordinal))
        {
            return template;
        }

        return context.Request.Path.Equals(MetricsPath, StringComparison.Ordinal) ? MetricsPath : Unmatched;
    }

    public static string MethodOf(string method) => method switch
    {
        "GET" or "POST" or "PUT" or "DELETE" or "HEAD" or "OPTIONS" or "PATCH" => method,
        _ => "_OTHER",
    };

    private static void TagServerSpan(Activity? activity, RequestRecord r)
    {
        // ASP.NET Core starts an activity for every request even when nothing records spans (it has no listener then):
        // tags on that one would only cost allocations.
        if (activity is not { IsAllDataRequested: true } || !activity.Source.HasListeners())
        {
            return;
        }

        activity.DisplayName = r.Method + " " + r.Route;
        activity.SetTag("http.request.method", r.Method);
        activity.SetTag("http.route", r.Route);
        activity.SetTag("http.response.status_code", r.Status);
        activity.SetTag("gateway.outcome", r.Outcome.Name);
        if (r.Model is not null)
        {
            activity.SetTag("gen_ai.request.model", r.Model);
            TagUsage(activity, r);
        }

        if (r.Key is not null)
        {
            activity.SetTag("gateway.key", r.Key);
        }

        if (!r.Outcome.IsOk)
        {
            activity.SetStatus(r.Status >= 500 || r.Outcome.Name != "client_error" ? ActivityStatusCode.Error : ActivityStatusCode.Unset, r.Outcome.Name);
        }
    }

    private static void TagUsage(Activity activity, RequestRecord r)
    {
        if (!activity.IsAllDataRequested)
        {
            return;
        }

        if (r.PromptTokens is { } input)
        {
            activity.SetTag("gen_ai.usage.input_tokens", input);
        }

        if (r.CompletionTokens is { } output)
        {
            activity.SetTag("gen_ai.usage.output_tokens", output);
        }
    }

    private void Log(HttpContext context, GatewayRequestFeature facts, RequestRecord r)
    {
        // Probes arrive every few seconds from orchestrators: successful ones are logged at Debug only.
        var level = r.Status < 400 && BearerAuthMiddleware.IsOpenPath(context.Request.Path) ? LogEventLevel.Debug : LogEventLevel.Information;
        if (!accessLog.IsEnabled(level))
        {
            return;
        }

        accessLog.Write(level, new AccessLine(context.Request.Method, LogText.Sanitize(context.Request.Path.Value), r.Status, r.Seconds * 1000, r.Outcome.Name)
        {
            Model = LogText.Sanitize(facts.Model),
            Replica = r.Replica,
            Key = r.Key,
            ErrorCode = facts.ErrorCode,
            QueueMs = r.QueueWaitSeconds * 1000,
            TtftMs = r.TimeToFirstTokenSeconds * 1000,
            PromptTokens = r.PromptTokens,
            CompletionTokens = r.CompletionTokens,
            Retries = r.Retries > 0 ? r.Retries : null,
            RequestId = facts.RequestId,
            TraceId = InboundTrace.TraceIdOf(context),
        });
    }
}
