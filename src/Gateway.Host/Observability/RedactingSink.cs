using System.Collections.Concurrent;
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
    private const int MaxCachedTemplates = 4096;
    private const int MaxCachedNames = 4096;
    private static readonly ConcurrentDictionary<string, bool> SensitiveNames = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, (int Generation, MessageTemplate? Redacted)> _templates = new(StringComparer.Ordinal);

    public void Emit(LogEvent logEvent) => inner.Emit(Redact(logEvent));

    public LogEvent Redact(LogEvent e)
    {
        var template = RedactTemplate(e.MessageTemplate);
        var exception = e.Exception;
        if (exception is not null)
        {
            var full = exception.ToString();
            var scrubbed = redactor.Redact(full);
            if (!ReferenceEquals(full, scrubbed))
            {
                exception = new RedactedException(scrubbed);
            }
        }

        if (!AnyPropertyChanges(e.Properties))
        {
            return ReferenceEquals(template, e.MessageTemplate) && ReferenceEquals(exception, e.Exception)
                ? e
                : new LogEvent(e.Timestamp, e.Level, exception, template, e.Properties.Select(p => new LogEventProperty(p.Key, p.Value)), e.TraceId ?? default, e.SpanId ?? default);
        }

        var properties = new List<LogEventProperty>(e.Properties.Count);
        foreach (var (name, value) in e.Properties)
        {
            properties.Add(new LogEventProperty(name, RedactProperty(redactor, name, value)));
        }

        return new LogEvent(e.Timestamp, e.Level, exception, template, properties, e.TraceId ?? default, e.SpanId ?? default);
    }

    /// <summary>One property's value as it reaches the sinks: masked whole when its name is a credential's, else scrubbed (the same instance when nothing changes).</summary>
    public static LogEventPropertyValue RedactProperty(SecretRedactor redactor, string name, LogEventPropertyValue value) =>
        IsSensitive(name) ? Masked : RedactValue(redactor, value);

    public void Dispose() => (inner as IDisposable)?.Dispose();

    /// <summary>Most events carry nothing to mask: find out without copying anything.</summary>
    private bool AnyPropertyChanges(IReadOnlyDictionary<string, LogEventPropertyValue> properties)
    {
        foreach (var (name, value) in properties)
        {
            if (IsSensitive(name) || !ReferenceEquals(RedactValue(redactor, value), value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Templates are a small set of texts (the access line's shapes, the code's log messages) but arrive as new
    /// instances: the redacted form of each text is kept, so a template is scanned once, not once per event.
    /// </summary>
    private MessageTemplate RedactTemplate(MessageTemplate template)
    {
        var generation = redactor.Generation; // read first: what is computed below knows at least these secrets
        if (_templates.TryGetValue(template.Text, out var known) && known.Generation == generation)
        {
            return known.Redacted ?? template;
        }

        var text = redactor.Redact(template.Text);
        var redacted = ReferenceEquals(text, template.Text) ? null : Parser.Parse(text);
        if (_templates.Count < MaxCachedTemplates || _templates.ContainsKey(template.Text))
        {
            _templates[template.Text] = (generation, redacted); // a reload taught the redactor new secrets: recomputed once
        }

        return redacted ?? template;
    }

    private static bool IsSensitive(string name)
    {
        if (SensitiveNames.TryGetValue(name, out var sensitive))
        {
            return sensitive;
        }

        sensitive = SecretRedactor.IsSensitiveName(name);
        if (SensitiveNames.Count < MaxCachedNames)
        {
            SensitiveNames.TryAdd(name, sensitive);
        }

        return sensitive;
    }

    private static LogEventPropertyValue RedactValue(SecretRedactor redactor, LogEventPropertyValue value)
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
                    var v = IsSensitive(p.Name) ? Masked : RedactValue(redactor, p.Value);
                    changed |= !ReferenceEquals(v, p.Value);
                    props.Add(new LogEventProperty(p.Name, v));
                }

                return changed ? new StructureValue(props, structure.TypeTag) : value;
            }

            case SequenceValue sequence:
                return RedactSequence(redactor, sequence);

            case DictionaryValue dictionary:
            {
                var changed = false;
                var entries = new List<KeyValuePair<ScalarValue, LogEventPropertyValue>>();
                foreach (var (k, v) in dictionary.Elements)
                {
                    var masked = k.Value is string name && IsSensitive(name) ? Masked : RedactValue(redactor, v);
                    changed |= !ReferenceEquals(masked, v);
                    entries.Add(new(k, masked));
                }

                return changed ? new DictionaryValue(entries) : value;
            }

            default:
                return value;
        }
    }

    /// <summary>Its own method: its locals stay out of <see cref="RedactValue"/>'s frame; a sequence is copied only when an element changed.</summary>
    private static SequenceValue RedactSequence(SecretRedactor redactor, SequenceValue sequence)
    {
        var items = new List<LogEventPropertyValue>(sequence.Elements.Count);
        var changed = false;
        foreach (var element in sequence.Elements)
        {
            var redacted = RedactValue(redactor, element);
            changed |= !ReferenceEquals(redacted, element);
            items.Add(redacted);
        }

        return changed ? new SequenceValue(items) : sequence;
    }

    /// <summary>Stands in for an exception whose text carried a credential: the scrubbed text only.</summary>
    private sealed class RedactedException(string text) : Exception(text)
    {
        public override string ToString() => Message;

        public override string? StackTrace => null;
    }
}
