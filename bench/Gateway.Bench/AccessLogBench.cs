using System.Text;
using BenchmarkDotNet.Attributes;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Gateway.Bench;

/// <summary>
/// One access-log line (<c>-- accesslog</c>): through Serilog as any event goes (enrichers, redaction, the text
/// formatter, rendered on the calling thread here) against the direct line the gateway writes when the batched
/// text console is its only sink (the redaction checks and the queueing on the request thread; the rendering,
/// which the writer does off the request path, measured on its own).
/// </summary>
[MemoryDiagnoser]
public class AccessLogBench
{
    private static readonly AccessLine Line = new("POST", "/v1/chat/completions", 200, 1.23, "ok")
    {
        Model = "bench-model",
        Replica = "http://127.0.0.1:8000",
        Key = "team-a",
        QueueMs = 0.2,
        TtftMs = 1.1,
        PromptTokens = 12,
        CompletionTokens = 20,
        RequestId = "065f590926d5cf5c0de62eb638b507f2",
        TraceId = "88e6251f9a80cb01cc06d08a41be011e",
    };

    private readonly AccessLog _throughSerilog;
    private readonly AccessLog _direct;
    private readonly BufferedConsoleSink _console;
    private readonly StreamWriter _null = new(Stream.Null, new UTF8Encoding(false), 64 * 1024);

    public AccessLogBench()
    {
        var redactor = new SecretRedactor(["bench-token"]);
        var render = new RenderingSink(new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate), _null);
        var serilog = new Serilog.LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(new RedactingSink(render, redactor)).CreateLogger();
        _throughSerilog = new AccessLog(serilog, TimeProvider.System);
        _console = new BufferedConsoleSink(new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate), Stream.Null);
        _direct = new AccessLog(serilog, TimeProvider.System, new DirectAccessLog(_console, redactor));
    }

    [Benchmark(Baseline = true)]
    public void SerilogEventRendered() => _throughSerilog.Write(LogEventLevel.Information, Line);

    [Benchmark]
    public void DirectLineQueued() => _direct.Write(LogEventLevel.Information, Line);

    [Benchmark]
    public void DirectLineRendered() => AccessLineText.Write(_null, DateTimeOffset.Now, LogEventLevel.Information, Line);

    [GlobalCleanup]
    public void Cleanup() => _console.Dispose();

    /// <summary>Renders every event on the calling thread (the benchmark's stand-in for the console writer).</summary>
    private sealed class RenderingSink(MessageTemplateTextFormatter formatter, TextWriter output) : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}
