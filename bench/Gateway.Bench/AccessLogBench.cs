using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Gateway.Host.Hosting;
using Gateway.Host.Observability;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace Gateway.Bench;

/// <summary>
/// One access-log line (<c>-- accesslog</c>), in each format (<c>LOG_FORMAT=text</c> and <c>json</c>): through
/// Serilog as any event goes (enrichers, redaction, the formatter, rendered on the calling thread here) against the
/// direct line the gateway writes when the batched console is its only sink (the redaction checks and the queueing
/// on the request thread; the rendering, which the writer does off the request path, measured on its own).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
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

    private readonly StreamWriter _null = new(Stream.Null, new UTF8Encoding(false), 64 * 1024);
    private readonly Route _text;
    private readonly Route _json;

    public AccessLogBench()
    {
        _text = new Route(new MessageTemplateTextFormatter(ConsoleLogFormat.OutputTemplate), json: false, _null);
        _json = new Route(new RenderedCompactJsonFormatter(), json: true, _null);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("text")]
    public void SerilogEventRendered() => _text.ThroughSerilog.Write(LogEventLevel.Information, Line);

    [Benchmark]
    [BenchmarkCategory("text")]
    public void DirectLineQueued() => _text.Direct.Write(LogEventLevel.Information, Line);

    [Benchmark]
    [BenchmarkCategory("text")]
    public void DirectLineRendered() => AccessLineText.Write(_null, DateTimeOffset.Now, LogEventLevel.Information, Line);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("json")]
    public void JsonSerilogEventRendered() => _json.ThroughSerilog.Write(LogEventLevel.Information, Line);

    [Benchmark]
    [BenchmarkCategory("json")]
    public void JsonDirectLineQueued() => _json.Direct.Write(LogEventLevel.Information, Line);

    [Benchmark]
    [BenchmarkCategory("json")]
    public void JsonDirectLineRendered() => AccessLineJson.Write(_null, DateTimeOffset.Now, LogEventLevel.Information, Line);

    /// <summary>A request's log context as Kestrel leaves it (its connection scope): the JSON lines carry it.</summary>
    private IDisposable? _connectionScope;

    [GlobalSetup]
    public void Setup() => _connectionScope = Serilog.Context.LogContext.PushProperty("ConnectionId", "0HNQHH2FKJF97");

    [GlobalCleanup]
    public void Cleanup()
    {
        _connectionScope?.Dispose();
        _text.Console.Dispose();
        _json.Console.Dispose();
    }

    /// <summary>One format's two ways out: Serilog rendering on the calling thread, and the direct line queued on a batched console.</summary>
    private sealed class Route
    {
        public Route(ITextFormatter formatter, bool json, TextWriter output)
        {
            var redactor = new SecretRedactor(["bench-token"]);
            var serilog = new Serilog.LoggerConfiguration().Enrich.FromLogContext().WriteTo.Sink(new RedactingSink(new RenderingSink(formatter, output), redactor)).CreateLogger();
            ThroughSerilog = new AccessLog(serilog, TimeProvider.System);
            Console = new BufferedConsoleSink(formatter, Stream.Null);
            Direct = new AccessLog(serilog, TimeProvider.System, new DirectAccessLog(Console, redactor, json));
        }

        public AccessLog ThroughSerilog { get; }

        public AccessLog Direct { get; }

        public BufferedConsoleSink Console { get; }
    }

    /// <summary>Renders every event on the calling thread (the benchmark's stand-in for the console writer).</summary>
    private sealed class RenderingSink(ITextFormatter formatter, TextWriter output) : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}
