using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.ToolCallBench;

/// <summary>Each parser over a ~64 KB output (prose with 8 calls): parsed whole, and streamed in 8-char chunks.</summary>
[MemoryDiagnoser]
[ShortRunJob]
[Config(typeof(ThroughputConfig))]
public class ToolCallParserBench
{
    private IToolCallParser _parser = null!;
    private string _output = string.Empty;
    private string[] _chunks = [];
    private readonly List<ToolCallDelta> _events = new(64);

    [Params("hermes", "llama3_json", "mistral", "pythonic", "qwen3_coder", "deepseek_v3", "granite")]
    public string Parser { get; set; } = "hermes";

    [GlobalSetup]
    public void Setup()
    {
        if (!ToolCallParserRegistry.TryGet(Parser, out _parser))
        {
            throw new InvalidOperationException($"no parser {Parser}");
        }

        _output = ModelOutputs.Build(Parser);
        _chunks = Enumerable.Range(0, (_output.Length + 7) / 8)
            .Select(i => _output.Substring(i * 8, Math.Min(8, _output.Length - (i * 8))))
            .ToArray();

        var calls = _parser.Parse(_output, ToolSchemas.Empty).ToolCalls.Count;
        if (calls != ModelOutputs.Calls || Stream8() != ModelOutputs.Calls)
        {
            throw new InvalidOperationException($"{Parser}: expected {ModelOutputs.Calls} calls, parsed {calls}");
        }
    }

    [Benchmark(Description = "Parse whole")]
    public int Parse() => _parser.Parse(_output, ToolSchemas.Empty).ToolCalls.Count;

    [Benchmark(Description = "Stream 8-char chunks")]
    public int Stream8()
    {
        var streaming = _parser.CreateStreaming(ToolSchemas.Empty);
        var calls = 0;
        foreach (var chunk in _chunks)
        {
            streaming.Feed(chunk, _events);
            calls += CountStarts();
        }

        streaming.Complete(_events);
        return calls + CountStarts();
    }

    private int CountStarts()
    {
        var starts = 0;
        foreach (var delta in _events)
        {
            if (delta is ToolCallDelta.ToolCallStart)
            {
                starts++;
            }
        }

        _events.Clear();
        return starts;
    }
}

/// <summary>Adds the output size in UTF-8 bytes and the throughput computed from the mean time.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig() => AddColumn(new OutputBytesColumn(), new ThroughputColumn());

    internal static int Bytes(BenchmarkCase benchmarkCase) =>
        Encoding.UTF8.GetByteCount(ModelOutputs.Build((string)benchmarkCase.Parameters["Parser"]));
}

public sealed class OutputBytesColumn : IColumn
{
    public string Id => "OutputBytes";

    public string ColumnName => "Bytes";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "UTF-8 bytes of the model output processed per operation";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => ThroughputConfig.Bytes(benchmarkCase).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

public sealed class ThroughputColumn : IColumn
{
    public string Id => "ThroughputMBps";

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Bytes / mean time, in 10^6 bytes per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is > 0
            ? (ThroughputConfig.Bytes(benchmarkCase) / mean.Value * 1000).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)
            : "?";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
