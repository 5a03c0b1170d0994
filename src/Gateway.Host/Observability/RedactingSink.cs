using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Host.Observability;

/// <summary>
/// Sits in front of every Serilog sink (console, JSON, the tests' capture) so no event reaches one unredacted:
/// properties named like a credential are masked whole; the template text, string values (nested ones too) and
/// exception text are scrubbed by <see cref="SecretRedactor"/>. Akka's events arrive through the same pipeline.
/// </summary>
internal sealed class RedactingSink(ILogEventSink inner, SecretRedactor redactor) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();
    private static readonly ScalarValue Masked = new(SecretRedactor.Mask);

    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent));

    public LogEvent Redact(LogEvent e)
    {
        var changed = false;
        var template = e.MessageTemplate;
        var text = redactor.Redact(template.Text);
        if (!ReferenceEquals(text, template.Text))
        {
            template = Parser.Parse(text);
            changed = true;
        }

        var properties = new List<LogEventProperty>(e.Properties.Count);
        foreach (var (name, value) in e.Properties)
        {
            var redacted = SecretRedactor.IsSensitiveName(name) ? Masked : RedactValue(value);
            changed |= !ReferenceEquals(redacted, value);
            properties.Add(new LogEventProperty(name, redacted));
        }

        var exception = e.Exception;
        if (exception is not null)
        {
            var full = exception.ToString();
            var scrubbed = redactor.Redact(full);
            if (!ReferenceEquals(full, scrubbed))
            {
                exception = new RedactedException(scrubbed);
                changed = true;
            }
        }

        return changed ? new LogEvent(e.Timestamp, e.Level, exception, template, properties, e.TraceId ?? default, e.SpanId ?? default) : e;
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private LogEventPropertyValue RedactValue(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string s }:
                var r = redactor.Redact(s);
                return ReferenceEquals(r, s) ? value : new ScalarValue(r);
            case StructureValue structure:
            {
                var changed = false;
                var props = new List<LogEventProperty>(structure.Properties.Count);
                foreach (var p in structure.Properties)
                {
                    var v = SecretRedactor.IsSensitiveName(p.Name) ? Masked : RedactValue(p.Value);
                    changed |= !ReferenceEquals(v, p.Value);
                    props.Add(new LogEventProperty(p.Name, v));
                }

                return changed ? new StructureValue(props, structure.TypeTag) : value;
            }

            case SequenceValue sequence:
            {
                var items = sequence.Elements.Select(RedactValue).ToList();
                return items.Where((v, i) => !ReferenceEquals(v, sequence.Elements[i])).Any() ? new SequenceValue(items) : value;
            }

            case DictionaryValue dictionary:
            {
                var changed = false;
                var entries = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>();
                foreach (var (k, v) in dictionary.Elements)
                {
                    var masked = k.Value is string name && SecretRedactor.IsSensitiveName(name) ? Masked : RedactValue(v);
                    changed |= !ReferenceEquals(masked, v);
                    entries.Add(new(k, masked));
                }

                return changed ? new DictionaryValue(entries) : value;
            }

            default:
                return value;
        }
    }

    /// <summary>Stands in for an exception whose text carried a credential: the scrubbed text only.</summary>
    private sealed class RedactedException(string text) : Exception(text)
    {
        public override string ToString() => Message;

        public override string? StackTrace => null;
    }
}
