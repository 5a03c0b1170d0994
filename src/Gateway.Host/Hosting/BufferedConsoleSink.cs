using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Gateway.Host.Hosting;

/// <summary>
/// The log sink when standard output is a file or a pipe (a container's log, the access log of a deployment): a
/// request thread only queues its event; one background writer renders the queued events into a buffered writer
/// and sends them with one write per batch, instead of one locked, flushed console write per line on the request
/// path. Lines gather for a few milliseconds between writes, so a busy gateway makes one write per batch of lines
/// rather than per line. Nothing is dropped: when the queue is full (output blocked) the event is written on the caller's thread.
/// Disposing writes whatever is still queued. Lines that render themselves (<see cref="ITextLogLine"/>) share the
/// queue, so they keep their order with the events.
/// </summary>
internal sealed class BufferedConsoleSink : ILogEventSink, IDisposable
{
    private const int Capacity = 16 * 1024;

    /// <summary>After each write the pump lets lines gather this long: one write per batch, not one per request.</summary>
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(20);

    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly Channel<QueuedLine> _queue = Channel.CreateBounded<QueuedLine>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = false });
    private readonly Lock _writing = new();
    private readonly TimeProvider _time;

    public BufferedConsoleSink(ITextFormatter formatter, Stream output, TimeProvider? time = null)
    {
        _formatter = formatter;
        _time = time ?? TimeProvider.System;
        _output = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
        _ = Task.Run(PumpAsync);
    }

    public void Emit(LogEvent logEvent) => Enqueue(new QueuedLine(logEvent, null));

    /// <summary>Queues a line that renders itself (written in order with the events).</summary>
    public void Emit(ITextLogLine line) => Enqueue(new QueuedLine(null, line));

    private void Enqueue(QueuedLine line)
    {
        if (_queue.Writer.TryWrite(line))
        {
            return;
        }

        lock (_writing)
        {
            Render(line);
            _output.Flush();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        WriteQueued();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                WriteQueued();
                // Off the timer thread: rendering a batch there would hold up every other timer (request deadlines).
                await Task.Delay(GatherWindow, _time).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Standard output is gone (the process is ending): nothing left to write to.
        }
    }

    private void WriteQueued()
    {
        lock (_writing)
        {
            while (_queue.Reader.TryRead(out var line))
            {
                Render(line);
            }

            _output.Flush();
        }
    }

    private void Render(QueuedLine line)
    {
        if (line.Event is { } logEvent)
        {
            _formatter.Format(logEvent, _output);
        }
        else
        {
            line.Text!.WriteTo(_output);
        }
    }

    /// <summary>One queued line: a Serilog event, or a line that renders itself.</summary>
    private readonly record struct QueuedLine(LogEvent? Event, ITextLogLine? Text);
}
