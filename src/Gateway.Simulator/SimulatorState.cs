using System.Collections.Frozen;

namespace Gateway.Simulator;

/// <summary>Everything the endpoints share: options, counters, the served models and the tokenizer's reverse vocabulary.</summary>
internal sealed class SimulatorState
{
    public SimulatorState(SimulatorOptions options)
    {
        Options = options;
        DefaultModel = options.Models[0];
        Models = options.Models.ToFrozenDictionary(m => m, m => new ModelMetrics(m), StringComparer.Ordinal);
        ModelOrder = [.. options.Models.Select(m => Models[m])];
        StartedAtUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    }

    public SimulatorOptions Options { get; }

    public SimulatorStats Stats { get; } = new();

    public string DefaultModel { get; }

    /// <summary>Served model name → its metrics.</summary>
    public FrozenDictionary<string, ModelMetrics> Models { get; }

    /// <summary>Metrics in the order the models were configured.</summary>
    public IReadOnlyList<ModelMetrics> ModelOrder { get; }

    public TokenVocabulary Vocabulary { get; } = new();

    /// <summary>Process start time, used for the <c>_created</c> samples of counters.</summary>
    public double StartedAtUnixSeconds { get; }
}
