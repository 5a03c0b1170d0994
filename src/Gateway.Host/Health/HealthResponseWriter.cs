using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Host.Shutdown;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Host.Health;

/// <summary>
/// Renders <c>/health</c> (liveness: <c>{"status":"healthy"|"unhealthy", "checks":{...}}</c>) and <c>/ready</c>
/// (<c>{"status":"ready"|"unready"|"draining", "checks":{...}, "models":{...}}</c>) as JSON, so an operator sees which
/// model is not ready and why.
/// </summary>
internal static class HealthResponseWriter
{
    public static Task WriteLivenessAsync(HttpContext context, HealthReport report) => WriteAsync(context, report, "healthy", _ => "unhealthy");

    public static Task WriteReadinessAsync(HttpContext context, HealthReport report) =>
        WriteAsync(context, report, "ready", r => Draining(r) ? "draining" : "unready");

    private static async Task WriteAsync(HttpContext context, HealthReport report, string up, Func<HealthReport, string> down)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var ok = report.Status == HealthStatus.Healthy;
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("status", ok ? up : down(report));
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                writer.WriteString("description", description);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        var models = report.Entries.Values.SelectMany(e => e.Data).Where(d => d.Value is ModelReadinessReport).ToList();
        if (models.Count > 0)
        {
            writer.WriteStartObject("models");
            foreach (var (model, value) in models)
            {
                var readiness = (ModelReadinessReport)value;
                writer.WriteStartObject(model);
                writer.WriteBoolean("ready", readiness.Ready);
                writer.WriteString("reason", readiness.Reason);
                if (readiness.CheckedAt is { } at)
                {
                    writer.WriteString("checked_at", at);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static bool Draining(HealthReport report) =>
        report.Entries.TryGetValue(DrainReadinessCheck.Name, out var drain) && drain.Status != HealthStatus.Healthy;
}
