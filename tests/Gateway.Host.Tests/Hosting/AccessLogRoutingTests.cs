using Gateway.Host.Hosting;

namespace Gateway.Host.Tests.Hosting;

/// <summary>Access lines skip the Serilog event only when the batched console (stdout a file or a pipe) is the only sink.</summary>
public sealed class AccessLogRoutingTests
{
    [Theory]
    // console logging, stdout redirected, LOG_FORMAT=json, extra sink => route
    [InlineData(true, true, false, false, "DirectText")] // a container's log or a file, text
    [InlineData(true, true, true, false, "DirectJson")] // the same with JSON logs
    [InlineData(true, true, false, true, "Serilog")] // an extra sink needs the event
    [InlineData(true, true, true, true, "Serilog")]
    [InlineData(true, false, false, false, "Serilog")] // a terminal: Serilog's console sink, line by line
    [InlineData(true, false, true, false, "Serilog")]
    [InlineData(true, false, false, true, "Serilog")]
    [InlineData(true, false, true, true, "Serilog")]
    [InlineData(false, true, false, false, "Serilog")] // no console (the tests): nothing to write directly to
    [InlineData(false, true, true, false, "Serilog")]
    [InlineData(false, true, false, true, "Serilog")]
    [InlineData(false, true, true, true, "Serilog")]
    [InlineData(false, false, false, false, "Serilog")]
    [InlineData(false, false, true, false, "Serilog")]
    [InlineData(false, false, false, true, "Serilog")]
    [InlineData(false, false, true, true, "Serilog")]
    public void Every_combination_of_console_output_format_and_extra_sink_picks_its_route(
        bool consoleLogging, bool outputRedirected, bool jsonLogs, bool extraSink, string expected) =>
        Assert.Equal(Enum.Parse<AccessLogRoute>(expected), AccessLogRouting.Choose(consoleLogging, outputRedirected, jsonLogs, extraSink));
}
