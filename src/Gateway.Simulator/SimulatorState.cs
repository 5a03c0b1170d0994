using System.Collections.Frozen;

namespace Gateway.Simulator;

/// <summary>Everything the endpoints share: options, counters, the served models and the tokenizer's reverse vocabulary.</summary>
internal sealed class SimulatorState
{
    public SimulatorState(SimulatorOptions options)
    {
        Options = options;
        DefaultModel = options.Models[0];
        var metrics = options.Models.ToDictionary(m => m, m => new ModelMetrics(m), StringComparer.Ordinal);
        ModelOrder = [.. options.Models.Select(m => metrics[m])];
        foreach (var (name, _) in options.ParsedLoraAdapters())
        {
            metrics[name] = metrics[DefaultModel]; // vLLM labels an adapter's requests with the base model's name
        }

        Models = metrics.ToFrozenDictionary(StringComparer.Ordinal);
        Scheduler = new EngineScheduler(options.MaxNumSeqs, options.KvCacheTokens);
        StartedAtUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    }

    public SimulatorOptions Options { get; }

    public SimulatorStats Stats { get; } = new();

    public string DefaultModel { get; }

    /// <summary>Served model name or LoRA adapter name → its (base model's) metrics.</summary>
    public FrozenDictionary<string, ModelMetrics> Models { get; }

    /// <summary>Metrics in the order the models were configured.</summary>
    public IReadOnlyList<ModelMetrics> ModelOrder { get; }

    /// <summary>The engine's running capacity, FIFO wait queue and KV-cache figure.</summary>
    public EngineScheduler Scheduler { get; }

    /// <summary>The pinned load offset of <c>POST /sim/load</c>.</summary>
    public SimLoadOffset LoadOffset { get; set; } = SimLoadOffset.None;

    public TokenVocabulary Vocabulary { get; } = new();

    /// <summary>Process start time, used for the <c>_created</c> samples of counters.</summary>
    public double StartedAtUnixSeconds { get; }
}
