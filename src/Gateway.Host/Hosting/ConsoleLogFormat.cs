namespace Gateway.Host.Hosting;

/// <summary>The text log line's shape (<c>LOG_FORMAT=text</c>): one line per event, for Serilog and the access log's direct lines alike.</summary>
internal static class ConsoleLogFormat
{
    public const string OutputTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
}
