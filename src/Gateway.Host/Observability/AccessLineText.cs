using System.Globalization;
using Serilog.Events;

namespace Gateway.Host.Observability;

/// <summary>
/// Renders an access line as the text console's output template renders its Serilog event
/// (<see cref="Hosting.ConsoleLogFormat.OutputTemplate"/>), character for character, straight from the fields.
/// </summary>
internal static class AccessLineText
{
    /// <summary>Each optional field's text before its value (<c>" model="</c>), from the access template's fragments.</summary>
    private static readonly string[] Prefixes = [.. AccessLog.Optional.Select(o => " " + o.Fragment[..o.Fragment.IndexOf('{', StringComparison.Ordinal)])];

    private static readonly string SourcePrefix = "] " + AccessLog.SourceContext + ": ";

    public static void Write(TextWriter output, DateTimeOffset timestamp, LogEventLevel level, in AccessLine line)
    {
        Span<char> number = stackalloc char[64];
        output.Write('[');
        output.Write(number[..Format(timestamp, number)]);
        output.Write(' ');
        output.Write(LevelText(level));
        output.Write(SourcePrefix);
        output.Write(line.Method);
        output.Write(' ');
        output.Write(line.Path ?? "null");
        output.Write(' ');
        output.Write(number[..Format(line.Status, number)]);
        output.Write(' ');
        output.Write(number[..Format(line.ElapsedMs, number)]);
        output.Write(" ms outcome=");
        output.Write(line.Outcome);
        Text(output, 0, line.Model);
        Text(output, 1, line.Replica);
        Text(output, 2, line.Key);
        Text(output, 3, line.ErrorCode);
        Milliseconds(output, 4, line.QueueMs, number);
        Milliseconds(output, 5, line.TtftMs, number);
        Count(output, 6, line.PromptTokens, number);
        Count(output, 7, line.CompletionTokens, number);
        Count(output, 8, line.Retries, number);
        Text(output, 9, line.RequestId);
        Text(output, 10, line.TraceId);
        output.Write(Environment.NewLine);
    }

    /// <summary>Serilog's <c>u3</c> level names.</summary>
    private static string LevelText(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };

    private static void Text(TextWriter output, int field, string? value)
    {
        if (value is not null)
        {
            output.Write(Prefixes[field]);
            output.Write(value);
        }
    }

    private static void Milliseconds(TextWriter output, int field, double? value, Span<char> buffer)
    {
        if (value is { } ms)
        {
            output.Write(Prefixes[field]);
            output.Write(buffer[..Format(ms, buffer)]);
        }
    }

    private static void Count(TextWriter output, int field, int? value, Span<char> buffer)
    {
        if (value is { } count)
        {
            output.Write(Prefixes[field]);
            output.Write(buffer[..Format(count, buffer)]);
        }
    }

    private static int Format(DateTimeOffset timestamp, Span<char> buffer) =>
        timestamp.TryFormat(buffer, out var written, "HH:mm:ss.fff", CultureInfo.InvariantCulture) ? written : 0;

    private static int Format(double value, Span<char> buffer) =>
        value.TryFormat(buffer, out var written, "0.0", CultureInfo.InvariantCulture) ? written : 0;

    private static int Format(int value, Span<char> buffer) =>
        value.TryFormat(buffer, out var written, default, CultureInfo.InvariantCulture) ? written : 0;
}
