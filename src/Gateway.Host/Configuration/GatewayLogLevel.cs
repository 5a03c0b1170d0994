using Microsoft.Extensions.Logging;
using Serilog.Events;

namespace Gateway.Host.Configuration;

/// <summary>
/// The Python gateway's <c>LOG_LEVEL</c> names (uvicorn's, plus <c>WARN</c>), case-insensitive,
/// mapped to Microsoft.Extensions.Logging and Serilog levels.
/// </summary>
internal static class GatewayLogLevel
{
    /// <summary>The accepted names, upper-case.</summary>
    public static IReadOnlyList<string> Names { get; } = ["TRACE", "DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL"];

    /// <summary>Parses a <c>LOG_LEVEL</c> name; false for anything not in <see cref="Names"/>.</summary>
    public static bool TryParse(string? name, out LogLevel level)
    {
        switch (name?.Trim().ToUpperInvariant())
        {
            case "TRACE": level = LogLevel.Trace; return true;
            case "DEBUG": level = LogLevel.Debug; return true;
            case "INFO": level = LogLevel.Information; return true;
            case "WARNING" or "WARN": level = LogLevel.Warning; return true;
            case "ERROR": level = LogLevel.Error; return true;
            case "CRITICAL": level = LogLevel.Critical; return true;
            default: level = LogLevel.Information; return false;
        }
    }

    /// <summary>The Serilog equivalent of a Microsoft.Extensions.Logging level (<c>None</c> maps to Fatal).</summary>
    public static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
