using System.Collections.Concurrent;

namespace Gateway.Streams.Accounting;

/// <summary>
/// Usage per key NAME and model since start-up: requests, prompt and completion tokens, requests by outcome.
/// Recording is lock-free (one dictionary lookup and a few interlocked adds); readers (<c>GET /v1/usage</c>,
/// metrics) take an immutable <see cref="Snapshot"/>. Keyed by name, so totals survive a reload of the same key.
/// </summary>
public sealed class UsageLedger
{
    private static readonly UsageOutcome[] Outcomes = Enum.GetValues<UsageOutcome>();
    private readonly ConcurrentDictionary<(string Key, string Model), Counters> _counters = new();

    public void Record(string key, string model, UsageOutcome outcome, int promptTokens, int completionTokens)
    {
        var counters = _counters.GetOrAdd((key, model), static _ => new Counters());
        Interlocked.Increment(ref counters.Requests);
        Interlocked.Add(ref counters.PromptTokens, Math.Max(0, promptTokens));
        Interlocked.Add(ref counters.CompletionTokens, Math.Max(0, completionTokens));
        Interlocked.Increment(ref counters.ByOutcome[(int)outcome]);
    }

    /// <summary>Every key's totals (<paramref name="key"/> null) or one key's, per model, ordered by key then model.</summary>
    public IReadOnlyList<UsageTotals> Snapshot(string? key = null) =>
        [.. _counters
            .Where(kv => key is null || string.Equals(kv.Key.Key, key, StringComparison.Ordinal))
            .Select(kv => kv.Value.ToTotals(kv.Key.Key, kv.Key.Model))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .ThenBy(t => t.Model, StringComparer.Ordinal)];

    private sealed class Counters
    {
        public long Requests;
        public long PromptTokens;
        public long CompletionTokens;
        public readonly long[] ByOutcome = new long[Outcomes.Length];

        public UsageTotals ToTotals(string key, string model) => new(
            key,
            model,
            Interlocked.Read(ref Requests),
            Interlocked.Read(ref PromptTokens),
            Interlocked.Read(ref CompletionTokens),
            Outcomes.ToDictionary(o => o, o => Interlocked.Read(ref ByOutcome[(int)o])));
    }
}
