using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Host.Hosting;

/// <summary>
/// Logs tool-call markup that could not be parsed (and so went to the client as content), by listening to the
/// parsers' failure counter. At most one line per parser every <see cref="Interval"/>, with the count since
/// the last line, so a model that keeps emitting bad markup cannot flood the log.
/// </summary>
internal sealed class ToolCallFailureLog : IHostedService, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly ILogger<ToolCallFailureLog> _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public ToolCallFailureLog(ILogger<ToolCallFailureLog> logger, TimeProvider? time = null)
    {
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ToolCallMetrics.MeterName && instrument.Name == ToolCallMetrics.ParseFailuresName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => OnFailure(value, tags));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();

    private void OnFailure(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parser = "unknown";
        foreach (var tag in tags)
        {
            if (tag.Key == "parser" && tag.Value is string name)
            {
                parser = name;
            }
        }

        var window = _windows.GetOrAdd(parser, _ => new Window());
        var now = _time.GetTimestamp();
        long count;
        lock (window)
        {
            window.Count += value;
            if (window.LastLogged != 0 && _time.GetElapsedTime(window.LastLogged, now) < Interval)
            {
                return;
            }

            count = window.Count;
            window.Count = 0;
            window.LastLogged = now;
        }

        _logger.LogWarning(
            "Tool-call markup from a {Parser} model could not be parsed and was returned as content ({Count} time(s) since the last report)",
            parser,
            count);
    }

    private sealed class Window
    {
        public long Count { get; set; }

        public long LastLogged { get; set; }
    }
}
