using System.Text;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Gateway.Host.Tests.Observability;

/// <summary>
/// The access log's direct way to the batched text console: clean lines skip the Serilog event with the same text;
/// a line with anything to mask takes the Serilog path, where the redaction masks it.
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

        public Route(SecretRedactor redactor)
        {
            _console = new BufferedConsoleSink(new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate), _output, Time);
            var logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new RedactingSink(Events, redactor)).CreateLogger();
            Log = new AccessLog(logger, Time, new DirectAccessLog(_console, redactor));
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
