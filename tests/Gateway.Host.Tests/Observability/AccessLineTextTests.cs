using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Gateway.Host.Tests.Observability;

/// <summary>The access line's direct rendering is, character for character, what the text console renders from the Serilog event.</summary>
public sealed class AccessLineTextTests
{
    private static readonly MessageTemplateTextFormatter Console = new(ConsoleLogFormat.OutputTemplate);

    public static TheoryData<double, int> Numbers => new()
    {
        { 0, 0 },
        { 0.04, 1 },
        { 0.05, 12 },
        { 0.15, 999 },
        { 1.25, 1000 },
        { 1234.5678, 65535 },
        { 12345678.96, int.MaxValue },
        { -3.75, -1 },
    };

    [Fact]
    public void Every_shape_of_line_renders_as_the_serilog_event_would()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var random = new Random(7);
        for (var shape = 0; shape < 1 << AccessLog.Optional.Length; shape++)
        {
            var line = LineOf(shape, random.NextDouble() * 5000, random.Next(0, 100_000));
            time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 2000)));
            Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), Direct(line, LogEventLevel.Information, time));
        }
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Numbers_render_with_the_templates_formats(double milliseconds, int count)
    {
        var time = new FakeTimeProvider();
        var line = LineOf((1 << AccessLog.Optional.Length) - 1, milliseconds, count);
        Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), Direct(line, LogEventLevel.Information, time));
    }

    [Theory]
    [InlineData(LogEventLevel.Debug)]
    [InlineData(LogEventLevel.Information)]
    [InlineData(LogEventLevel.Warning)]
    public void Levels_and_odd_text_render_as_the_serilog_event_would(LogEventLevel level)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 23, 59, 59, 999, TimeSpan.Zero));
        var line = new AccessLine("PATCH", null, 404, 0.0, "client_error")
        {
            Model = "a \"quoted\" model {with braces} ünïcødé",
            RequestId = "",
            Key = "team a",
        };

        Assert.Equal(ThroughSerilog(line, level, time), Direct(line, level, time));
    }

    private static AccessLine LineOf(int shape, double milliseconds, int count)
    {
        bool Has(int field) => (shape & (1 << field)) != 0;
        return new AccessLine("POST", "/v1/chat/completions", 200 + (count % 400), milliseconds, "ok")
        {
            Model = Has(0) ? "meta-llama/Llama-3.1-8B-Instruct" : null,
            Replica = Has(1) ? "http://10.0.0.7:8000/" : null,
            Key = Has(2) ? "team-a" : null,
            ErrorCode = Has(3) ? "model_overloaded" : null,
            QueueMs = Has(4) ? milliseconds / 3 : null,
            TtftMs = Has(5) ? milliseconds / 7 : null,
            PromptTokens = Has(6) ? count : null,
            CompletionTokens = Has(7) ? count / 2 : null,
            Retries = Has(8) ? count % 4 : null,
            RequestId = Has(9) ? "req-" + count : null,
            TraceId = Has(10) ? "4bf92f3577b34da6a3ce929d0e0e4736" : null,
        };
    }

    private static string ThroughSerilog(AccessLine line, LogEventLevel level, TimeProvider time)
    {
        var sink = new CapturingSink();
        TestTelemetry.AccessLog(sink, time).Write(level, line);
        using var text = new StringWriter();
        Console.Format(Assert.Single(sink.Events), text);
        return text.ToString();
    }

    private static string Direct(AccessLine line, LogEventLevel level, TimeProvider time)
    {
        using var text = new StringWriter();
        AccessLineText.Write(text, time.GetLocalNow(), level, line);
        return text.ToString();
    }
}
