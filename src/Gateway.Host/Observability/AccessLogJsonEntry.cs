using System.Diagnostics;
using Gateway.Host.Hosting;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>One access line queued on the batched console (with its activity's ids and its log context's properties), rendered by the writer as <see cref="AccessLineJson"/>.</summary>
internal sealed class AccessLogJsonEntry(
    DateTimeOffset timestamp, LogEventLevel level, AccessLine line, ActivityTraceId traceId, ActivitySpanId spanId, KeyValuePair<string, LogEventPropertyValue>[] context) : ITextLogLine
{
    public void WriteTo(TextWriter output) => AccessLineJson.Write(output, timestamp, level, line, traceId, spanId, context);
}
