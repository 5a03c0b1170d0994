namespace Gateway.Streams.Accounting;

/// <summary>An immutable copy of one key's counters for one model.</summary>
public sealed record UsageTotals(
    string Key,
    string Model,
    long Requests,
    long PromptTokens,
    long CompletionTokens,
    IReadOnlyDictionary<UsageOutcome, long> RequestsByOutcome)
{
    public long TotalTokens => PromptTokens + CompletionTokens;
}
