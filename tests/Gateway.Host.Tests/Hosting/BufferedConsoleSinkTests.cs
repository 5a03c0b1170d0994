using System.Collections.Concurrent;
using System.Text;
using Gateway.Host.Hosting;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace Gateway.Host.Tests.Hosting;

/// <summary>The batched log writer: every line written once and in order, lines gathered into one write per batch.</summary>
public sealed class BufferedConsoleSinkTests
{
    private static readonly MessageTemplateParser Parser = new();
    private static readonly MessageTemplateTextFormatter Formatter = new("{Message:lj}{NewLine}");

    private static LogEvent Line(string text) =>
        new(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, Parser.Parse(text), []);

    [Fact]
    public async Task Lines_queued_while_the_writer_waits_go_out_together_in_one_write()
    {
        var time = new TimerCountingTime();
        var output = new WriteRecordingStream();
        using var sink = new BufferedConsoleSink(Formatter, output, time);

        sink.Emit(Line("first"));
        await Eventually.TrueAsync(() => output.Writes.Count == 1 && time.TimersCreated == 1, "the first line was written and the writer waits out its gather window");
        sink.Emit(Line("second"));
        sink.Emit(Line("third"));
        Assert.Single(output.Writes); // parked on the window's timer, which only the fake clock fires
        time.Advance(TimeSpan.FromMilliseconds(25));
        await Eventually.TrueAsync(() => output.Writes.Count >= 2, "the next batch was written");

        Assert.Equal(["first\n", "second\nthird\n"], output.Writes.Select(w => w.Replace(Environment.NewLine, "\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void Disposing_writes_every_queued_line_in_order()
    {
        var output = new WriteRecordingStream();
        var sink = new BufferedConsoleSink(Formatter, output, new FakeTimeProvider());
        for (var i = 0; i < 1000; i++)
        {
            sink.Emit(Line("line " + i));
        }

        sink.Dispose();

        var lines = string.Concat(output.Writes).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => "line " + i), lines);
    }

    [Fact]
    public void Lines_that_render_themselves_keep_their_place_among_the_events()
    {
        var output = new WriteRecordingStream();
        var sink = new BufferedConsoleSink(Formatter, output, new FakeTimeProvider());
        for (var i = 0; i < 300; i++)
        {
            if (i % 3 == 0)
            {
                sink.Emit(new SelfRendered("direct " + i));
            }
            else
            {
                sink.Emit(Line("event " + i));
            }
        }

        sink.Dispose();

        var lines = string.Concat(output.Writes).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (i % 3 == 0 ? "direct " : "event ") + i), lines);
    }

    private sealed class SelfRendered(string text) : ITextLogLine
    {
        public void WriteTo(TextWriter output) => output.Write(text + Environment.NewLine);
    }

    /// <summary>A fake clock that counts the timers created on it (the writer's gather window is one).</summary>
    private sealed class TimerCountingTime : FakeTimeProvider
    {
        private int _timers;

        public int TimersCreated => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>A stream that keeps each write as text (a flush of the writer's buffer is one write).</summary>
    private sealed class WriteRecordingStream : Stream
    {
        public ConcurrentQueue<string> Writes { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Writes.Enqueue(Encoding.UTF8.GetString(buffer, offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => Writes.Enqueue(Encoding.UTF8.GetString(buffer));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
