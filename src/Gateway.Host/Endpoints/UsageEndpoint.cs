using System.Buffers;
using System.Text.Json;
using Gateway.Host.Hosting;
using Gateway.Host.Http;
using Gateway.Streams.Accounting;

namespace Gateway.Host.Endpoints;

/// <summary>
/// <c>GET /v1/usage</c>: the calling key's totals since start-up, per model. An admin key (and, with auth off, the
/// loopback caller) sees every key's; <c>?key=NAME</c> narrows that to one key.
/// </summary>
internal sealed class UsageEndpoint(GatewayRuntime runtime)
{
    public Task GetAsync(HttpContext context)
    {
        var identity = GatewayRequestFeature.Of(context).Identity;
        var seesAll = identity is null || identity.Admin;
        string? key = seesAll ? NonEmpty(context.Request.Query["key"]) : identity!.Name;
        var totals = runtime.Usage.Snapshot(key);

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            if (!seesAll)
            {
                writer.WriteString("key", identity!.Name);
            }

            writer.WriteStartArray("data");
            foreach (var t in totals)
            {
                Write(writer, t);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        return context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    private static void Write(Utf8JsonWriter writer, UsageTotals t)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "usage");
        writer.WriteString("key", t.Key);
        writer.WriteString("model", t.Model);
        writer.WriteNumber("requests", t.Requests);
        writer.WriteNumber("prompt_tokens", t.PromptTokens);
        writer.WriteNumber("completion_tokens", t.CompletionTokens);
        writer.WriteNumber("total_tokens", t.TotalTokens);
        writer.WriteStartObject("requests_by_outcome");
        foreach (var (outcome, count) in t.RequestsByOutcome)
        {
            writer.WriteNumber(OutcomeName(outcome), count);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static string OutcomeName(UsageOutcome outcome) => outcome switch
    {
        UsageOutcome.Completed => "completed",
        UsageOutcome.ClientAborted => "client_aborted",
        UsageOutcome.UpstreamError => "upstream_error",
        UsageOutcome.RateLimited => "rate_limited",
        UsageOutcome.GatewayStopped => "gateway_stopped",
        _ => "rejected",
    };

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
