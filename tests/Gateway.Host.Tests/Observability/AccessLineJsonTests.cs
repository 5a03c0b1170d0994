using System.Diagnostics;
using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog.Context;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Gateway.Host.Tests.Observability;

/// <summary>
/// The access line's direct JSON rendering is, character for character, what <c>LOG_FORMAT=json</c>'s formatter
/// (<see cref="RenderedCompactJsonFormatter"/>) writes for the Serilog event.
/// </summary>
public sealed class AccessLineJsonTests
{
    private static readonly RenderedCompactJsonFormatter Json = new();

    /// <summary>Text that JSON has to escape, or that Serilog's rendering quotes, or that is merely unusual.</summary>
    private static readonly string[] OddText =
    [
        "plain",
        "a \"quoted\" value",
        @"back\slash \"" both \\",
        "line\nbreak\r\ttab\fform\bbell\u0007nul\0unit\u001f",
        "ünïcødé ✓ 😀 \u2028 \u007f",
        "{braces} {{doubled}} @at",
        "",
        " ",
    ];

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
        { -0.0, int.MinValue },
        { 0.1 + 0.2, 7 },
        { double.Epsilon, 3 },
        { 1e300, 4 },
        { double.NaN, 5 },
        { double.PositiveInfinity, 6 },
        { double.NegativeInfinity, 8 },
    };

    public static TheoryData<LogEventLevel> Levels => new()
    {
        LogEventLevel.Verbose, LogEventLevel.Debug, LogEventLevel.Information, LogEventLevel.Warning, LogEventLevel.Error, LogEventLevel.Fatal,
    };

    [Fact]
    public void Every_shape_of_line_renders_as_the_serilog_event_would()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var random = new Random(7);
        for (var shape = 0; shape < 1 << AccessLog.Optional.Length; shape++)
        {
            var line = LineOf(shape, random.NextDouble() * 5000, random.Next(0, 100_000), "ok");
            time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 2000)) + TimeSpan.FromTicks(random.Next(0, 10_000)));
            Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), Direct(line, LogEventLevel.Information, time));
        }
    }

    [Fact]
    public void Every_shape_with_text_to_escape_renders_as_the_serilog_event_would()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var random = new Random(11);
        for (var shape = 0; shape < 1 << AccessLog.Optional.Length; shape++)
        {
            var line = LineOf(shape, random.NextDouble() * 5000, random.Next(0, 100_000), OddText[shape % OddText.Length]) with
            {
                Method = OddText[(shape / 3) % OddText.Length],
                Path = shape % 5 == 0 ? null : OddText[(shape / 7) % OddText.Length],
            };

            Assert.Equal(ThroughSerilog(line, LogEventLevel.Warning, time), Direct(line, LogEventLevel.Warning, time));
        }
    }

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Numbers_render_with_the_templates_formats_and_as_json_numbers(double milliseconds, int count)
    {
        var time = new FakeTimeProvider();
        var line = LineOf((1 << AccessLog.Optional.Length) - 1, milliseconds, count, "ok");
        Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), Direct(line, LogEventLevel.Information, time));
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Every_level_renders_as_the_serilog_event_would(LogEventLevel level)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 23, 59, 59, 999, TimeSpan.Zero));
        var line = new AccessLine("PATCH", null, 404, 0.0, "client_error") { Model = "a \"quoted\" model {with braces} ünïcødé", RequestId = "" };

        Assert.Equal(ThroughSerilog(line, level, time), Direct(line, level, time));
    }

    [Fact]
    public void A_line_longer_than_the_writers_stack_buffer_renders_as_the_serilog_event_would()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var line = LineOf((1 << AccessLog.Optional.Length) - 1, 12.5, 40, string.Concat(Enumerable.Repeat("long \"text\" \\ ✓\n", 300))) with
        {
            Path = "/v1/" + new string('p', 5000),
        };

        var direct = Direct(line, LogEventLevel.Information, time);

        Assert.True(direct.Length > 20_000);
        Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), direct);
    }

    [Fact]
    public void The_timestamp_is_written_in_utc_whatever_the_local_zone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 31, 22, 30, 0, 5, TimeSpan.Zero));
        time.SetLocalTimeZone(TimeZoneInfo.CreateCustomTimeZone("plus-five-thirty", TimeSpan.FromHours(5.5), "plus-five-thirty", "plus-five-thirty"));
        var line = LineOf(0b101, 3.5, 9, "ok");

        var direct = Direct(line, LogEventLevel.Information, time);

        Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), direct);
        Assert.StartsWith("{\"@t\":\"2026-12-31T22:30:00.0050000Z\",", direct, StringComparison.Ordinal);
    }

    [Fact]
    public void An_activitys_trace_and_span_ids_are_written_as_the_serilog_event_carries_them()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var line = LineOf(0b110_0000_0111, 12.5, 40, "ok");
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();

        var direct = Direct(line, LogEventLevel.Information, time, activity.TraceId, activity.SpanId);

        Assert.Equal(ThroughSerilog(line, LogEventLevel.Information, time), direct);
        Assert.Contains($",\"@tr\":\"{activity.TraceId.ToHexString()}\",\"@sp\":\"{activity.SpanId.ToHexString()}\",", direct, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_the_gateways_own_pipeline_the_direct_line_is_the_serilog_line_log_context_included()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 7, 8, 9, 123, TimeSpan.Zero));
        var captured = new CapturingSink();
        var builder = WebApplication.CreateSlimBuilder();
        var settings = new GatewaySettings { LogFormat = "json", Auth = new AuthSettings { BearerToken = "sk-known-secret-1" } };
        builder.AddGatewayLogging(settings, new GatewayAppOptions { ConsoleLogging = false, LogSink = captured });
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<AccessLog>();
        await using var app = builder.Build();
        var output = new MemoryStream();
        var console = new BufferedConsoleSink(Json, output, time);
        var direct = new AccessLog(app.Services.GetRequiredService<Serilog.ILogger>(), time, new DirectAccessLog(console, app.Services.GetRequiredService<SecretRedactor>(), json: true));
        var throughSerilog = app.Services.GetRequiredService<AccessLog>(); // the extra sink: no direct line
        var scopes = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Connections");
        var line = LineOf(0b000_0111_0101, 12.5, 40, "ok");
        var expected = new List<string>();

        // What a request has around it: Kestrel's connection scope (through the logger factory's scopes), and
        // anything else a scope or the log context carries, to mask or to leave out as the pipeline does.
        using (scopes.BeginScope(new Dictionary<string, object> { ["ConnectionId"] = "0HNQHH2FKJF97", ["Model"] = "the line's own wins", ["Retries"] = 9 }))
        using (scopes.BeginScope("a plain scope for {Client} with \"quotes\"", "client \\ one"))
        using (scopes.BeginScope(new Dictionary<string, object> { ["api_key"] = "visible?", ["Note"] = "carries sk-known-secret-1" }))
        using (LogContext.PushProperty("@at", "a \"quoted\" ünïcødé value\n"))
        using (LogContext.PushProperty("Client", new { Name = "n", Token = "t", Limits = new[] { 1, 2 } }, destructureObjects: true))
        using (var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            foreach (var level in new[] { LogEventLevel.Information, LogEventLevel.Warning })
            {
                throughSerilog.Write(level, line);
                direct.Write(level, line);
            }
        }

        direct.Write(LogEventLevel.Information, line); // no scope, no activity
        throughSerilog.Write(LogEventLevel.Information, line);
        console.Dispose();

        foreach (var e in captured.Events)
        {
            using var written = new StringWriter();
            Json.Format(e, written);
            expected.Add(written.ToString());
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray());
        Assert.Equal(string.Concat(expected), lines);
        Assert.Contains("\"ConnectionId\":\"0HNQHH2FKJF97\"", lines, StringComparison.Ordinal);
        Assert.Contains("\"api_key\":\"***\"", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-known-secret-1", lines, StringComparison.Ordinal);
    }

    private static AccessLine LineOf(int shape, double milliseconds, int count, string text)
    {
        bool Has(int field) => (shape & (1 << field)) != 0;
        return new AccessLine("POST", "/v1/chat/completions", 200 + (count % 400), milliseconds, "ok")
        {
            Model = Has(0) ? "meta-llama/Llama-3.1-8B-Instruct" + text : null,
            Replica = Has(1) ? "http://10.0.0.7:8000/" : null,
            Key = Has(2) ? text + "team-a" : null,
            ErrorCode = Has(3) ? "model_overloaded" : null,
            QueueMs = Has(4) ? milliseconds / 3 : null,
            TtftMs = Has(5) ? milliseconds / 7 : null,
            PromptTokens = Has(6) ? count : null,
            CompletionTokens = Has(7) ? count / 2 : null,
            Retries = Has(8) ? count % 4 : null,
            RequestId = Has(9) ? "req-" + text + count : null,
            TraceId = Has(10) ? "4bf92f3577b34da6a3ce929d0e0e4736" : null,
        };
    }

    /// <summary>The event the access log writes to Serilog (with the current activity, if any), as the JSON console formats it.</summary>
    private static string ThroughSerilog(AccessLine line, LogEventLevel level, TimeProvider time)
    {
        var sink = new CapturingSink();
        TestTelemetry.AccessLog(sink, time).Write(level, line);
        using var text = new StringWriter();
        Json.Format(Assert.Single(sink.Events), text);
        return text.ToString();
    }

    private static string Direct(AccessLine line, LogEventLevel level, TimeProvider time, ActivityTraceId traceId = default, ActivitySpanId spanId = default)
    {
        using var text = new StringWriter();
        AccessLineJson.Write(text, time.GetLocalNow(), level, line, traceId, spanId);
        return text.ToString();
    }
}
