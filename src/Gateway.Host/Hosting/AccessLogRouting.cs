namespace Gateway.Host.Hosting;

/// <summary>
/// Decides whether access lines may skip the Serilog event: only when the batched console writer (standard output
/// is a file or a pipe) is the only sink, since it is the one writer that renders a line from its fields. An extra
/// sink (tests, the soak harness) or the console written line by line (a terminal) needs the event.
/// </summary>
internal static class AccessLogRouting
{
    public static AccessLogRoute Choose(bool consoleLogging, bool outputRedirected, bool jsonLogs, bool extraSink) =>
        !consoleLogging || !outputRedirected || extraSink ? AccessLogRoute.Serilog
        : jsonLogs ? AccessLogRoute.DirectJson
        : AccessLogRoute.DirectText;
}
