using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Json;

namespace Gateway.Host.Observability;

/// <summary>
/// Renders an access line as <see cref="RenderedCompactJsonFormatter"/> renders its Serilog event
/// (<c>LOG_FORMAT=json</c>), character for character, straight from the fields: <c>@t</c> (UTC, round-trip format),
/// <c>@m</c> (the template rendered as Serilog renders it: strings quoted, only their quotes escaped, then the whole
/// message JSON-escaped), <c>@i</c> (Serilog's hash of the template text), <c>@l</c> unless Information, <c>@tr</c>
/// and <c>@sp</c> when there is an activity, then the properties in the event's order, its source context and what
/// the log context added (<see cref="LogContextProperties"/>: Kestrel's <c>ConnectionId</c>, any scope).
/// </summary>
internal static class AccessLineJson
{
    /// <summary>Each optional field's message text before its value (<c>" model="</c>), from the access template's fragments.</summary>
    private static readonly string[] MessagePrefixes = [.. AccessLog.Optional.Select(o => " " + o.Fragment[..o.Fragment.IndexOf('{', StringComparison.Ordinal)])];

    /// <summary>Each optional field's JSON property name (<c>,"Model":</c>).</summary>
    private static readonly string[] PropertyPrefixes = [.. AccessLog.Optional.Select(o => ",\"" + o.Name + "\":")];

    private static readonly string SourceContext = ",\"SourceContext\":\"" + AccessLog.SourceContext + "\"";

    /// <summary>The formatter <see cref="RenderedCompactJsonFormatter"/> writes property values with by default.</summary>
    private static readonly JsonValueFormatter Values = new(typeTagName: "$type");

    /// <summary>What JSON escapes in a string: the quote, the backslash and the control characters below a space.</summary>
    private static readonly SearchValues<char> ToEscape = SearchValues.Create("\"\\\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    /// <summary>Per template shape: its event id (<c>@i</c>), computed once.</summary>
    private static readonly string?[] EventIds = new string?[1 << AccessLog.Optional.Length];

    public static void Write(
        TextWriter output,
        DateTimeOffset timestamp,
        LogEventLevel level,
        in AccessLine line,
        ActivityTraceId traceId = default,
        ActivitySpanId spanId = default,
        ReadOnlySpan<KeyValuePair<string, LogEventPropertyValue>> context = default)
    {
        var shape = AccessLog.ShapeOf(line);
        Span<char> number = stackalloc char[64];
        output.Write("{\"@t\":\"");
        output.Write(number[..Format(timestamp.UtcDateTime, number)]);
        output.Write("\",\"@m\":\"");
        WriteMessage(output, line, number);
        output.Write("\",\"@i\":\"");
        output.Write(EventIds[shape] ??= EventIdHash.Compute(AccessLog.TemplateTextOf(shape)).ToString("x8", CultureInfo.InvariantCulture));
        output.Write('"');
        if (level != LogEventLevel.Information)
        {
            output.Write(",\"@l\":\"");
            output.Write(LevelName(level));
            output.Write('"');
        }

        if (traceId != default)
        {
            output.Write(",\"@tr\":\"");
            output.Write(traceId.ToHexString());
            output.Write('"');
        }

        if (spanId != default)
        {
            output.Write(",\"@sp\":\"");
            output.Write(spanId.ToHexString());
            output.Write('"');
        }

        output.Write(",\"Method\":");
        JsonString(output, line.Method);
        output.Write(",\"Path\":");
        JsonString(output, line.Path);
        output.Write(",\"Status\":");
        output.Write(number[..Format(line.Status, number)]);
        output.Write(",\"ElapsedMs\":");
        JsonNumber(output, line.ElapsedMs, number);
        output.Write(",\"Outcome\":");
        JsonString(output, line.Outcome);
        TextProperty(output, 0, line.Model);
        TextProperty(output, 1, line.Replica);
        TextProperty(output, 2, line.Key);
        TextProperty(output, 3, line.ErrorCode);
        NumberProperty(output, 4, line.QueueMs, number);
        NumberProperty(output, 5, line.TtftMs, number);
        CountProperty(output, 6, line.PromptTokens, number);
        CountProperty(output, 7, line.CompletionTokens, number);
        CountProperty(output, 8, line.Retries, number);
        TextProperty(output, 9, line.RequestId);
        TextProperty(output, 10, line.TraceId);
        output.Write(SourceContext);
        foreach (var (name, value) in context)
        {
            output.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, output);
            output.Write(':');
            Values.Format(value, output);
        }

        output.Write('}');
        output.WriteLine();
    }

    /// <summary>The rendered message, JSON-escaped (the template's own text needs no escaping).</summary>
    private static void WriteMessage(TextWriter output, in AccessLine line, Span<char> number)
    {
        MessageString(output, line.Method);
        output.Write(' ');
        MessageString(output, line.Path);
        output.Write(' ');
        output.Write(number[..Format(line.Status, number)]);
        output.Write(' ');
        Tenths(output, line.ElapsedMs, number);
        output.Write(" ms outcome=");
        MessageString(output, line.Outcome);
        MessageText(output, 0, line.Model);
        MessageText(output, 1, line.Replica);
        MessageText(output, 2, line.Key);
        MessageText(output, 3, line.ErrorCode);
        MessageTenths(output, 4, line.QueueMs, number);
        MessageTenths(output, 5, line.TtftMs, number);
        MessageCount(output, 6, line.PromptTokens, number);
        MessageCount(output, 7, line.CompletionTokens, number);
        MessageCount(output, 8, line.Retries, number);
        MessageText(output, 9, line.RequestId);
        MessageText(output, 10, line.TraceId);
    }

    private static void MessageText(TextWriter output, int field, string? value)
    {
        if (value is not null)
        {
            output.Write(MessagePrefixes[field]);
            MessageString(output, value);
        }
    }

    private static void MessageTenths(TextWriter output, int field, double? value, Span<char> buffer)
    {
        if (value is { } ms)
        {
            output.Write(MessagePrefixes[field]);
            Tenths(output, ms, buffer);
        }
    }

    private static void MessageCount(TextWriter output, int field, int? value, Span<char> buffer)
    {
        if (value is { } count)
        {
            output.Write(MessagePrefixes[field]);
            output.Write(buffer[..Format(count, buffer)]);
        }
    }

    /// <summary>
    /// A string value inside the message: Serilog renders it <c>"…"</c> with its quotes escaped as <c>\"</c> (and
    /// nothing else), then the message is JSON-escaped; null renders as <c>null</c>.
    /// </summary>
    private static void MessageString(TextWriter output, string? value)
    {
        if (value is null)
        {
            output.Write("null");
            return;
        }

        output.Write("\\\"");
        Escaped(output, value, inMessage: true);
        output.Write("\\\"");
    }

    private static void TextProperty(TextWriter output, int field, string? value)
    {
        if (value is not null)
        {
            output.Write(PropertyPrefixes[field]);
            JsonString(output, value);
        }
    }

    private static void NumberProperty(TextWriter output, int field, double? value, Span<char> buffer)
    {
        if (value is { } number)
        {
            output.Write(PropertyPrefixes[field]);
            JsonNumber(output, number, buffer);
        }
    }

    private static void CountProperty(TextWriter output, int field, int? value, Span<char> buffer)
    {
        if (value is { } count)
        {
            output.Write(PropertyPrefixes[field]);
            output.Write(buffer[..Format(count, buffer)]);
        }
    }

    /// <summary>A string property as Serilog's <c>JsonValueFormatter</c> writes it (null as <c>null</c>).</summary>
    private static void JsonString(TextWriter output, string? value)
    {
        if (value is null)
        {
            output.Write("null");
            return;
        }

        output.Write('"');
        Escaped(output, value, inMessage: false);
        output.Write('"');
    }

    /// <summary>A double property as Serilog's <c>JsonValueFormatter</c> writes it: round-trip digits, or a quoted name for NaN and infinities.</summary>
    private static void JsonNumber(TextWriter output, double value, Span<char> buffer)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            JsonString(output, value.ToString(CultureInfo.InvariantCulture));
            return;
        }

        output.Write(value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture) ? buffer[..written] : value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// JSON escaping as Serilog's <c>JsonValueFormatter.WriteQuotedJsonString</c> does it: <c>"</c>, <c>\</c> and
    /// control characters only (non-ASCII as it is). In the message a quote was already escaped by the rendering, so
    /// it comes out as <c>\\\"</c>.
    /// </summary>
    private static void Escaped(TextWriter output, string value, bool inMessage)
    {
        var text = value.AsSpan();
        var next = text.IndexOfAny(ToEscape);
        if (next < 0)
        {
            output.Write(text);
            return;
        }

        Span<char> hex = stackalloc char[4];
        while (next >= 0)
        {
            output.Write(text[..next]);
            var c = text[next];
            switch (c)
            {
                case '"':
                    output.Write(inMessage ? "\\\\\\\"" : "\\\"");
                    break;
                case '\\':
                    output.Write("\\\\");
                    break;
                case '\n':
                    output.Write("\\n");
                    break;
                case '\r':
                    output.Write("\\r");
                    break;
                case '\f':
                    output.Write("\\f");
                    break;
                case '\t':
                    output.Write("\\t");
                    break;
                default:
                    output.Write("\\u");
                    ((int)c).TryFormat(hex, out _, "X4", CultureInfo.InvariantCulture);
                    output.Write(hex);
                    break;
            }

            text = text[(next + 1)..];
            next = text.IndexOfAny(ToEscape);
        }

        output.Write(text);
    }

    /// <summary>The level's name as <c>@l</c> carries it (the enum's name).</summary>
    private static string LevelName(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "Verbose",
        LogEventLevel.Debug => "Debug",
        LogEventLevel.Warning => "Warning",
        LogEventLevel.Error => "Error",
        LogEventLevel.Fatal => "Fatal",
        _ => level.ToString(),
    };

    private static int Format(DateTime utc, Span<char> buffer) =>
        utc.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture) ? written : 0;

    /// <summary>A <c>{…:0.0}</c> value in the message (a number too long for the buffer formatted the slow way).</summary>
    private static void Tenths(TextWriter output, double value, Span<char> buffer)
    {
        if (value.TryFormat(buffer, out var written, "0.0", CultureInfo.InvariantCulture))
        {
            output.Write(buffer[..written]);
        }
        else
        {
            output.Write(value.ToString("0.0", CultureInfo.InvariantCulture));
        }
    }

    private static int Format(int value, Span<char> buffer) =>
        value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) ? written : 0;
}
