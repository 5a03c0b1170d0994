using System.Diagnostics;
using Gateway.Host.Hosting;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>
/// The access log's short way out when the batched console is the only sink: the line is queued as its fields and
/// rendered by the writer to the same text (<see cref="AccessLineText"/>) or compact JSON (<see cref="AccessLineJson"/>,
/// with the current activity's trace and span ids and the log context's properties) the Serilog event would have
/// given. What the <see cref="RedactingSink"/> does for that event is done here first: a line whose text (the template
/// or any field) carries something to mask is refused, and the caller takes the Serilog path, which masks it; the log
/// context's properties are masked in place, as the sink masks them.
/// </summary>
internal sealed class DirectAccessLog(BufferedConsoleSink console, SecretRedactor redactor, bool json = false)
{
    /// <summary>Per template shape: the redactor's generation + 1 once its text is known to hold nothing to mask.</summary>
    private readonly int[] _cleanTemplates = new int[1 << AccessLog.Optional.Length];

    public bool TryWrite(DateTimeOffset timestamp, LogEventLevel level, int shape, string templateText, in AccessLine line, LogContextProperties context)
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
            var extra = Extra(context.Capture(timestamp, level), shape);
            console.Emit(new AccessLogJsonEntry(timestamp, level, line, activity?.TraceId ?? default, activity?.SpanId ?? default, extra));
        }
        else
        {
            console.Emit(new AccessLogEntry(timestamp, level, line));
        }

        return true;
    }

    /// <summary>
    /// The log context's properties as the Serilog event would carry them after its own: none that the event already
    /// has (enrichers only add what is absent), each redacted as the <see cref="RedactingSink"/> redacts it.
    /// </summary>
    private KeyValuePair<string, LogEventPropertyValue>[] Extra(IReadOnlyDictionary<string, LogEventPropertyValue> context, int shape)
    {
        if (context.Count == 0)
        {
            return [];
        }

        var extra = new KeyValuePair<string, LogEventPropertyValue>[context.Count];
        var count = 0;
        if (context is Dictionary<string, LogEventPropertyValue> properties)
        {
            foreach (var (name, value) in properties) // the event's own dictionary: its enumerator is not boxed
            {
                Add(name, value);
            }
        }
        else
        {
            foreach (var (name, value) in context)
            {
                Add(name, value);
            }
        }

        return count == extra.Length ? extra : extra[..count];

        void Add(string name, LogEventPropertyValue value)
        {
            if (!AccessLog.HasProperty(shape, name))
            {
                extra[count++] = new(name, RedactingSink.RedactProperty(redactor, name, value));
            }
        }
    }

    private bool Clean(string? text) => text is null || ReferenceEquals(redactor.Redact(text), text);
}
