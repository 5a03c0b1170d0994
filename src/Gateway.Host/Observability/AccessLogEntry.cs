using Gateway.Host.Hosting;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>One access line queued on the batched console, rendered by the writer as <see cref="AccessLineText"/>.</summary>
internal sealed class AccessLogEntry(DateTimeOffset timestamp, LogEventLevel level, AccessLine line) : ITextLogLine
{
    public void WriteTo(TextWriter output) => AccessLineText.Write(output, timestamp, level, line);
}
