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
        TextWriter writer,
        DateTimeOffset timestamp,
        LogEventLevel level,
        in AccessLine line,
        ActivityTraceId traceId = default,
        ActivitySpanId spanId = default,
        ReadOnlySpan<KeyValuePair<string, LogEventPropertyValue>> context = default)
    {
        var output = new LineBuffer(stackalloc char[1024]); // the line's many pieces go to the writer in one call
        try
        {
            WriteFields(ref output, timestamp, level, line, traceId, spanId);
            output.WriteTo(writer);
        }
        finally
        {
            output.Dispose();
        }

        foreach (var (name, value) in context)
        {
            writer.Write(',');
            JsonValueFormatter.WriteQuotedJsonString(name.StartsWith('@') ? "@" + name : name, writer);
            writer.Write(':');
            Values.Format(value, writer);
        }

        writer.Write('}');
        writer.WriteLine();
    }

    /// <summary>Everything up to the log context's properties: the line's own fields and its source context.</summary>
    private static void WriteFields(ref LineBuffer output, DateTimeOffset timestamp, LogEventLevel level, in AccessLine line, ActivityTraceId traceId, ActivitySpanId spanId)
    {
        var shape = AccessLog.ShapeOf(line);
        Span<char> number = stackalloc char[64];
        output.Write("{\"@t\":\"");
        output.Write(number[..Format(timestamp.UtcDateTime, number)]);
        output.Write("\",\"@m\":\"");
        WriteMessage(ref output, line, number);
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
        JsonString(ref output, line.Method);
        output.Write(",\"Path\":");
        JsonString(ref output, line.Path);
        output.Write(",\"Status\":");
        output.Write(number[..Format(line.Status, number)]);
        output.Write(",\"ElapsedMs\":");
        JsonNumber(ref output, line.ElapsedMs, number);
        output.Write(",\"Outcome\":");
        JsonString(ref output, line.Outcome);
        TextProperty(ref output, 0, line.Model);
        TextProperty(ref output, 1, line.Replica);
        TextProperty(ref output, 2, line.Key);
        TextProperty(ref output, 3, line.ErrorCode);
        NumberProperty(ref output, 4, line.QueueMs, number);
        NumberProperty(ref output, 5, line.TtftMs, number);
        CountProperty(ref output, 6, line.PromptTokens, number);
        CountProperty(ref output, 7, line.CompletionTokens, number);
        CountProperty(ref output, 8, line.Retries, number);
        TextProperty(ref output, 9, line.RequestId);
        TextProperty(ref output, 10, line.TraceId);
        output.Write(SourceContext);
    }

    /// <summary>The rendered message, JSON-escaped (the template's own text needs no escaping).</summary>
    private static void WriteMessage(ref LineBuffer output, in AccessLine line, scoped Span<char> number)
    {
        MessageString(ref output, line.Method);
        output.Write(' ');
        MessageString(ref output, line.Path);
        output.Write(' ');
        output.Write(number[..Format(line.Status, number)]);
        output.Write(' ');
        Tenths(ref output, line.ElapsedMs, number);
        output.Write(" ms outcome=");
        MessageString(ref output, line.Outcome);
        MessageText(ref output, 0, line.Model);
        MessageText(ref output, 1, line.Replica);
        MessageText(ref output, 2, line.Key);
        MessageText(ref output, 3, line.ErrorCode);
        MessageTenths(ref output, 4, line.QueueMs, number);
        MessageTenths(ref output, 5, line.TtftMs, number);
        MessageCount(ref output, 6, line.PromptTokens, number);
        MessageCount(ref output, 7, line.CompletionTokens, number);
        MessageCount(ref output, 8, line.Retries, number);
        MessageText(ref output, 9, line.RequestId);
        MessageText(ref output, 10, line.TraceId);
    }

    private static void MessageText(ref LineBuffer output, int field, string? value)
    {
        if (value is not null)
        {
            output.Write(MessagePrefixes[field]);
            MessageString(ref output, value);
        }
    }

    private static void MessageTenths(ref LineBuffer output, int field, double? value, scoped Span<char> buffer)
    {
        if (value is { } ms)
        {
            output.Write(MessagePrefixes[field]);
            Tenths(ref output, ms, buffer);
        }
    }

    private static void MessageCount(ref LineBuffer output, int field, int? value, scoped Span<char> buffer)
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
    private static void MessageString(ref LineBuffer output, string? value)
    {
        if (value is null)
        {
            output.Write("null");
            return;
        }

        output.Write("\\\"");
        Escaped(ref output, value, inMessage: true);
        output.Write("\\\"");
    }

    private static void TextProperty(ref LineBuffer output, int field, string? value)
    {
        if (value is not null)
        {
            output.Write(PropertyPrefixes[field]);
            JsonString(ref output, value);
        }
    }

    private static void NumberProperty(ref LineBuffer output, int field, double? value, scoped Span<char> buffer)
    {
        if (value is { } number)
        {
            output.Write(PropertyPrefixes[field]);
            JsonNumber(ref output, number, buffer);
        }
    }

    private static void CountProperty(ref LineBuffer output, int field, int? value, scoped Span<char> buffer)
    {
        if (value is { } count)
        {
            output.Write(PropertyPrefixes[field]);
            output.Write(buffer[..Format(count, buffer)]);
        }
    }

    /// <summary>A string property as Serilog's <c>JsonValueFormatter</c> writes it (null as <c>null</c>).</summary>
    private static void JsonString(ref LineBuffer output, string? value)
    {
        if (value is null)
        {
            output.Write("null");
            return;
        }

        output.Write('"');
        Escaped(ref output, value, inMessage: false);
        output.Write('"');
    }

    /// <summary>A double property as Serilog's <c>JsonValueFormatter</c> writes it: round-trip digits, or a quoted name for NaN and infinities.</summary>
    private static void JsonNumber(ref LineBuffer output, double value, scoped Span<char> buffer)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            JsonString(ref output, value.ToString(CultureInfo.InvariantCulture));
            return;
        }

        output.Write(value.TryFormat(buffer, out var written, "R", CultureInfo.InvariantCulture) ? buffer[..written] : value.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// JSON escaping as Serilog's <c>JsonValueFormatter.WriteQuotedJsonString</c> does it: <c>"</c>, <c>\</c> and
    /// control characters only (non-ASCII as it is). In the message a quote was already escaped by the rendering, so
    /// it comes out as <c>\\\"</c>.
    /// </summary>
    private static void Escaped(ref LineBuffer output, string value, bool inMessage)
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

    private static int Format(DateTime utc, scoped Span<char> buffer) =>
        utc.TryFormat(buffer, out var written, "O", CultureInfo.InvariantCulture) ? written : 0;

    /// <summary>A <c>{…:0.0}</c> value in the message (a number too long for the buffer formatted the slow way).</summary>
    private static void Tenths(ref LineBuffer output, double value, scoped Span<char> buffer)
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

    private static int Format(int value, scoped Span<char> buffer) =>
        value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) ? written : 0;
}
