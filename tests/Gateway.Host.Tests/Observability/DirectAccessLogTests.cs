using System.Text;
using System.Text.Json;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Gateway.Host.Tests.Observability;

/// <summary>
/// The access log's direct way to the batched console: clean lines skip the Serilog event with the same text or
/// JSON; a line with anything to mask takes the Serilog path, where the redaction masks it; direct lines keep their
/// place among the other events.
/// </summary>
public sealed class DirectAccessLogTests
{
    private static readonly AccessLine Clean = new("POST", "/v1/chat/completions", 200, 12.5, "ok") { Model = "m", Key = "team-a", PromptTokens = 3 };

    [Fact]
    public void A_clean_line_goes_to_the_console_without_a_serilog_event()
    {
        using var route = new Route(new SecretRedactor(["sk-known-secret-1"]));

        route.Log.Write(LogEventLevel.Information, Clean);

        Assert.Empty(route.Events.Events);
        Assert.Equal(Rendered(route.Time, Clean), route.ConsoleText());
    }

    [Fact]
    public void A_line_carrying_a_secret_takes_the_serilog_path_and_is_masked()
    {
        using var route = new Route(new SecretRedactor(["sk-known-secret-1"]));

        route.Log.Write(LogEventLevel.Information, Clean with { Path = "/v1/models/sk-known-secret-1" });
        route.Log.Write(LogEventLevel.Information, Clean with { RequestId = "authorization=abc" });

        Assert.Equal("", route.ConsoleText());
        var lines = route.Events.Messages();
        Assert.Equal(2, lines.Count);
        Assert.Contains("/v1/models/***", lines[0], StringComparison.Ordinal);
        Assert.Contains("request_id=authorization=***", lines[1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.DoesNotContain("sk-known-secret-1", l, StringComparison.Ordinal));
    }

    [Fact]
    public void A_secret_learned_on_reload_is_checked_against_template_text_already_known_clean()
    {
        var redactor = new SecretRedactor(["sk-known-secret-1"]);
        using var route = new Route(redactor);
        route.Log.Write(LogEventLevel.Information, Clean);

        redactor.Remember(["outcome"]); // now the template's own text holds a "secret"
        route.Log.Write(LogEventLevel.Information, Clean);

        Assert.Equal(Rendered(route.Time, Clean), route.ConsoleText());
        Assert.Contains(" 12.5 ms ***=ok model=m", Assert.Single(route.Events.Messages()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_clean_line_goes_to_the_json_console_without_a_serilog_event()
    {
        using var route = new Route(new SecretRedactor(["sk-known-secret-1"]), json: true);

        route.Log.Write(LogEventLevel.Warning, Clean);

        Assert.Empty(route.Events.Events);
        Assert.Equal(RenderedJson(route.Time, Clean, LogEventLevel.Warning), route.ConsoleText());
    }

    [Fact]
    public void A_line_carrying_a_secret_takes_the_serilog_path_and_is_masked_with_json_logs()
    {
        using var route = new Route(new SecretRedactor(["sk-known-secret-1"]), json: true);

        route.Log.Write(LogEventLevel.Information, Clean with { Key = "sk-known-secret-1" });
        route.Log.Write(LogEventLevel.Information, Clean with { Model = "Bearer abc.def" });

        Assert.Equal("", route.ConsoleText());
        var written = route.Events.Written();
        Assert.Equal(2, written.Count);
        Assert.Contains("\"Key\":\"***\"", written[0], StringComparison.Ordinal);
        Assert.Contains("\"Model\":\"Bearer ***\"", written[1], StringComparison.Ordinal);
        Assert.All(written, l => Assert.DoesNotContain("sk-known-secret-1", l, StringComparison.Ordinal));
        Assert.All(written, l => Assert.DoesNotContain("abc.def", l, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Direct_access_lines_keep_their_place_among_the_other_events(bool json)
    {
        var redactor = new SecretRedactor(["sk-known-secret-1"]);
        var output = new MemoryStream();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        var console = new BufferedConsoleSink(json ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate), output, time);
        // As the gateway wires it: every Serilog event through the redaction to the batched console, access lines beside them.
        var logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new RedactingSink(console, redactor)).CreateLogger();
        var log = new AccessLog(logger, time, new DirectAccessLog(console, redactor, json));
        var expected = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            switch (i % 3)
            {
                case 0:
                    log.Write(LogEventLevel.Information, Clean with { RequestId = "req-" + i });
                    expected.Add("req-" + i);
                    break;
                case 1:
                    logger.Information("event {Number}", i);
                    expected.Add("event " + i);
                    break;
                default:
                    log.Write(LogEventLevel.Information, Clean with { RequestId = "req-" + i, Key = "sk-known-secret-1" }); // the Serilog path
                    expected.Add("req-" + i);
                    break;
            }
        }

        console.Dispose();

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines.Select(l => json ? JsonMarker(l) : TextMarker(l)));
        Assert.All(lines, l => Assert.DoesNotContain("sk-known-secret-1", l, StringComparison.Ordinal));
    }

    /// <summary>A JSON line's request id, or its message for another event.</summary>
    private static string JsonMarker(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        return root.TryGetProperty("RequestId", out var id) ? id.GetString()! : root.GetProperty("@m").GetString()!;
    }

    /// <summary>A text line's request id, or its message for another event.</summary>
    private static string TextMarker(string line)
    {
        var at = line.IndexOf("request_id=", StringComparison.Ordinal);
        return at >= 0 ? line[(at + "request_id=".Length)..] : line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
    }

    private static string RenderedJson(TimeProvider time, AccessLine line, LogEventLevel level)
    {
        using var text = new StringWriter();
        AccessLineJson.Write(text, time.GetLocalNow(), level, line);
        return text.ToString();
    }

    private static string Rendered(TimeProvider time, AccessLine line)
    {
        using var text = new StringWriter();
        AccessLineText.Write(text, time.GetLocalNow(), LogEventLevel.Information, line);
        return text.ToString();
    }

    /// <summary>An access log whose direct console writes to memory and whose Serilog path goes through the redaction to a capture.</summary>
    private sealed class Route : IDisposable
    {
        private readonly MemoryStream _output = new();
        private readonly BufferedConsoleSink _console;

        public Route(SecretRedactor redactor, bool json = false)
        {
            ITextFormatter formatter = json ? new RenderedCompactJsonFormatter() : new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate);
            _console = new BufferedConsoleSink(formatter, _output, Time);
            var logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new RedactingSink(Events, redactor)).CreateLogger();
            Log = new AccessLog(logger, Time, new DirectAccessLog(_console, redactor, json));
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

        public CapturingSink Events { get; } = new();

        public AccessLog Log { get; }

        /// <summary>Everything the console wrote (disposing the console writes what is still queued).</summary>
        public string ConsoleText()
        {
            _console.Dispose();
            return Encoding.UTF8.GetString(_output.ToArray());
        }

        public void Dispose() => _console.Dispose();
    }
}
