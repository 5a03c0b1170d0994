using Serilog.Context;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Host.Observability;

/// <summary>
/// What the gateway's <c>Enrich.FromLogContext()</c> would add to an event written now through
/// <paramref name="logger"/>: the properties of Serilog's <see cref="LogContext"/>, where Microsoft.Extensions.Logging
/// scopes arrive too (Kestrel's <c>ConnectionId</c> on every request). Compact JSON writes every property, so the
/// direct JSON access line carries them as well. Values are captured as the logger captures them
/// (<see cref="Serilog.ILogger.BindProperty"/>).
/// </summary>
internal sealed class LogContextProperties(Serilog.ILogger logger) : ILogEventPropertyFactory
{
    private static readonly MessageTemplate Empty = new MessageTemplateParser().Parse("");

    /// <summary>The properties the log context gives an event of this time and level, in the order it adds them.</summary>
    public IReadOnlyDictionary<string, LogEventPropertyValue> Capture(DateTimeOffset timestamp, LogEventLevel level)
    {
        var scratch = new LogEvent(timestamp, level, null, Empty, [], default, default);
        LogContext.Clone().Enrich(scratch, this);
        return scratch.Properties;
    }

    public LogEventProperty CreateProperty(string name, object? value, bool destructureObjects = false) =>
        logger.BindProperty(name, value, destructureObjects, out var property) ? property : new LogEventProperty(name, new ScalarValue(value));
}
