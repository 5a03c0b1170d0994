using System.Diagnostics;
using Gateway.Host.Hosting;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>
/// The access log's short way out when the batched console is the only sink: the line is queued as its fields and
/// rendered by the writer to the same text (<see cref="AccessLineText"/>) or compact JSON (<see cref="AccessLineJson"/>,
/// with the current activity's trace and span ids) the Serilog event would have given. What the
/// <see cref="RedactingSink"/> does for that event is done here first: a line whose text (the template or any field)
/// carries something to mask is refused, and the caller takes the Serilog path, which masks it.
/// </summary>
internal sealed class DirectAccessLog(BufferedConsoleSink console, SecretRedactor redactor, bool json = false)
{
    /// <summary>Per template shape: the redactor's generation + 1 once its text is known to hold nothing to mask.</summary>
    private readonly int[] _cleanTemplates = new int[1 << AccessLog.Optional.Length];

    public bool TryWrite(DateTimeOffset timestamp, LogEventLevel level, int shape, string templateText, in AccessLine line)
    {
        var generation = redactor.Generation;
        if (Volatile.Read(ref _cleanTemplates[shape]) != generation + 1)
        {
            if (!Clean(templateText))
            {
                return false;
            }

            Volatile.Write(ref _cleanTemplates[shape], generation + 1);
        }

        if (!Clean(line.Method) || !Clean(line.Path) || !Clean(line.Outcome) || !Clean(line.Model) || !Clean(line.Replica)
            || !Clean(line.Key) || !Clean(line.ErrorCode) || !Clean(line.RequestId) || !Clean(line.TraceId))
        {
            return false;
        }

        if (json)
        {
            var activity = Activity.Current;
            console.Emit(new AccessLogJsonEntry(timestamp, level, line, activity?.TraceId ?? default, activity?.SpanId ?? default));
        }
        else
        {
            console.Emit(new AccessLogEntry(timestamp, level, line));
        }

        return true;
    }

    private bool Clean(string? text) => text is null || ReferenceEquals(redactor.Redact(text), text);
}
