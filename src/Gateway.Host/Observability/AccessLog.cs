using System.Diagnostics;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Host.Observability;

/// <summary>
/// Writes the one access-log line per request. When the batched console is the only sink, the line goes to it
/// directly (<see cref="DirectAccessLog"/>: the same text or JSON, no Serilog event built). Otherwise it is written straight
/// to Serilog: the message template of each combination of present fields is parsed once and kept, and the
/// properties are built directly. The event is the same either way: template text, property names and values, source
/// context, trace and span ids.
/// </summary>
internal sealed class AccessLog
{
    private const string Head = "{Method} {Path} {Status} {ElapsedMs:0.0} ms outcome={Outcome}";

    /// <summary>The optional fields in line order: each one's template fragment and property name.</summary>
    internal static readonly (string Fragment, string Name)[] Optional =
    [
        ("model={Model}", "Model"),
        ("replica={Replica}", "Replica"),
        ("key={Key}", "Key"),
        ("code={ErrorCode}", "ErrorCode"),
        ("queue_ms={QueueMs:0.0}", "QueueMs"),
        ("ttft_ms={TtftMs:0.0}", "TtftMs"),
        ("prompt_tokens={PromptTokens}", "PromptTokens"),
        ("completion_tokens={CompletionTokens}", "CompletionTokens"),
        ("retries={Retries}", "Retries"),
        ("request_id={RequestId}", "RequestId"),
        ("trace_id={TraceId}", "TraceId"),
    ];

    /// <summary>The source context every access line names.</summary>
    internal static readonly string SourceContext = typeof(RequestTelemetry).FullName!;

    private static readonly MessageTemplateParser Parser = new();

    private readonly Serilog.ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DirectAccessLog? _direct;
    private readonly LogContextProperties _context;
    private readonly MessageTemplate?[] _templates = new MessageTemplate?[1 << Optional.Length];

    public AccessLog(Serilog.ILogger logger, TimeProvider time, DirectAccessLog? direct = null)
    {
        _logger = logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, SourceContext);
        _time = time;
        _direct = direct;
        _context = new LogContextProperties(_logger);
    }

    public bool IsEnabled(LogEventLevel level) => _logger.IsEnabled(level);

    /// <summary>Which optional fields are present: bit i for <see cref="Optional"/>[i].</summary>
    internal static int ShapeOf(in AccessLine line) =>
        (line.Model is null ? 0 : 1 << 0) | (line.Replica is null ? 0 : 1 << 1) | (line.Key is null ? 0 : 1 << 2)
        | (line.ErrorCode is null ? 0 : 1 << 3) | (line.QueueMs is null ? 0 : 1 << 4) | (line.TtftMs is null ? 0 : 1 << 5)
        | (line.PromptTokens is null ? 0 : 1 << 6) | (line.CompletionTokens is null ? 0 : 1 << 7) | (line.Retries is null ? 0 : 1 << 8)
        | (line.RequestId is null ? 0 : 1 << 9) | (line.TraceId is null ? 0 : 1 << 10);

    /// <summary>True when an event of this shape has a property of this name (its fields and its source context).</summary>
    internal static bool HasProperty(int shape, string name)
    {
        if (name is "Method" or "Path" or "Status" or "ElapsedMs" or "Outcome" || name == Serilog.Core.Constants.SourceContextPropertyName)
        {
            return true;
        }

        for (var i = 0; i < Optional.Length; i++)
        {
            if ((shape & (1 << i)) != 0 && string.Equals(Optional[i].Name, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public void Write(LogEventLevel level, in AccessLine line)
    {
        var shape = ShapeOf(line);
        var template = _templates[shape] ??= TemplateOf(shape);
        var timestamp = _time.GetLocalNow();
        if (_direct is { } direct && direct.TryWrite(timestamp, level, shape, template.Text, line, _context))
        {
            return;
        }

        var properties = new LogEventProperty[5 + System.Numerics.BitOperations.PopCount((uint)shape)];
        properties[0] = new LogEventProperty("Method", new ScalarValue(line.Method));
        properties[1] = new LogEventProperty("Path", new ScalarValue(line.Path));
        properties[2] = new LogEventProperty("Status", new ScalarValue(line.Status));
        properties[3] = new LogEventProperty("ElapsedMs", new ScalarValue(line.ElapsedMs));
        properties[4] = new LogEventProperty("Outcome", new ScalarValue(line.Outcome));
        var next = 5;
        for (var i = 0; i < Optional.Length; i++)
        {
            if ((shape & (1 << i)) != 0)
            {
                properties[next++] = new LogEventProperty(Optional[i].Name, new ScalarValue(OptionalValue(line, i)));
            }
        }

        var activity = Activity.Current;
        _logger.Write(new LogEvent(timestamp, level, null, template, properties, activity?.TraceId ?? default, activity?.SpanId ?? default));
    }

    /// <summary>The value of <see cref="Optional"/>[i] (boxed: only the Serilog path asks).</summary>
    private static object? OptionalValue(in AccessLine line, int i) => i switch
    {
        0 => line.Model,
        1 => line.Replica,
        2 => line.Key,
        3 => line.ErrorCode,
        4 => line.QueueMs,
        5 => line.TtftMs,
        6 => line.PromptTokens,
        7 => line.CompletionTokens,
        8 => line.Retries,
        9 => line.RequestId,
        _ => line.TraceId,
    };

    private static MessageTemplate TemplateOf(int shape) => Parser.Parse(TemplateTextOf(shape));

    /// <summary>The message template's text for a shape of line (the direct JSON line hashes it into its event id).</summary>
    internal static string TemplateTextOf(int shape)
    {
        var text = Head;
        for (var i = 0; i < Optional.Length; i++)
        {
            if ((shape & (1 << i)) != 0)
            {
                text += " " + Optional[i].Fragment;
            }
        }

        return text;
    }
}
