using System.Collections.Concurrent;

namespace Gateway.Soak;

/// <summary>What the traffic saw: one count per (scenario, answer), the unexpected ones kept for the report, the usage clients received.</summary>
internal sealed class Tally
{
    private readonly ConcurrentDictionary<(string Scenario, string Answer), long> _counts = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private long _unexpectedCount;
    private long _total;
    private long _cleanPromptTokens;
    private long _cleanCompletionTokens;

    public long Total => Interlocked.Read(ref _total);

    public long UnexpectedCount => Interlocked.Read(ref _unexpectedCount);

    public IEnumerable<string> UnexpectedSamples => _unexpected;

    public long CleanPromptTokens => Interlocked.Read(ref _cleanPromptTokens);

    public long CleanCompletionTokens => Interlocked.Read(ref _cleanCompletionTokens);

    public IReadOnlyList<(string Scenario, string Answer, long Count)> Rows =>
        _counts.Select(kv => (kv.Key.Scenario, kv.Key.Answer, kv.Value)).OrderBy(r => r.Scenario, StringComparer.Ordinal).ThenByDescending(r => r.Value).ToList();

    public void Record(string scenario, Verdict verdict)
    {
        Interlocked.Increment(ref _total);
        _counts.AddOrUpdate((scenario, verdict.Answer), 1, (_, n) => n + 1);
        if (!verdict.Expected)
        {
            Interlocked.Increment(ref _unexpectedCount);
            if (_unexpected.Count < 50)
            {
                _unexpected.Enqueue($"{scenario}: {verdict.Answer} {verdict.Detail}");
            }
        }

        if (verdict.Usage is { } usage)
        {
            Interlocked.Add(ref _cleanPromptTokens, usage.Prompt);
            Interlocked.Add(ref _cleanCompletionTokens, usage.Completion);
        }
    }
}

/// <summary>Usage a client received in a response (clean model only).</summary>
internal readonly record struct Usage(long Prompt, long Completion);

/// <summary>One request's answer as the client saw it, and whether the traffic mix expected it.</summary>
internal readonly record struct Verdict(string Answer, bool Expected, string Detail = "", Usage? Usage = null)
{
    public static Verdict Ok(string answer, Usage? usage = null) => new(answer, true, "", usage);

    public static Verdict Bad(string answer, string detail) => new(answer, false, detail);
}
