namespace Gateway.Host.Hosting;

/// <summary>
/// A log line that renders itself, queued on the <see cref="BufferedConsoleSink"/> beside Serilog's events (the
/// access log's direct lines: the same text or JSON, without building a Serilog event for it).
/// </summary>
internal interface ITextLogLine
{
    void WriteTo(TextWriter output);
}
