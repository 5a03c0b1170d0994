using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Gateway.Streams.ToolCalls.Parsers;
using Microsoft.Extensions.Logging;

namespace Gateway.Host.Tests.Hosting;

public sealed class ToolCallFailureLogTests
{
    [Fact]
    public async Task Unparseable_markup_is_logged_once_per_interval_with_a_count()
    {
        var parser = "test-parser-" + Guid.NewGuid().ToString("N");
        var logger = new ListLogger<ToolCallFailureLog>();
        using var log = new ToolCallFailureLog(logger);
        await log.StartAsync(CancellationToken.None);

        ToolCallMetrics.RecordParseFailure(parser);
        ToolCallMetrics.RecordParseFailure(parser);
        ToolCallMetrics.RecordParseFailure(parser);

        var lines = logger.Entries.Where(e => e.Message.Contains(parser, StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("returned as content", line.Message, StringComparison.Ordinal);
        await log.StopAsync(CancellationToken.None);
    }
}
