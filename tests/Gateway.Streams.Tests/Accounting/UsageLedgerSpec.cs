using Gateway.Streams.Accounting;

namespace Gateway.Streams.Tests.Accounting;

public class UsageLedgerSpec
{
    [Fact]
    public void Totals_add_up_per_key_and_model_with_outcomes()
    {
        var ledger = new UsageLedger();
        ledger.Record("a", "m", UsageOutcome.Completed, 10, 5);
        ledger.Record("a", "m", UsageOutcome.ClientAborted, 10, 2);
        ledger.Record("a", "n", UsageOutcome.RateLimited, 0, 0);
        ledger.Record("b", "m", UsageOutcome.Completed, 1, 1);

        var a = ledger.Snapshot("a");
        Assert.Equal(2, a.Count);
        var am = a.Single(t => t.Model == "m");
        Assert.Equal((2L, 20L, 7L, 27L), (am.Requests, am.PromptTokens, am.CompletionTokens, am.TotalTokens));
        Assert.Equal(1, am.RequestsByOutcome[UsageOutcome.ClientAborted]);
        Assert.Equal(3, ledger.Snapshot().Count);
    }

    [Fact]
    public void Concurrent_recording_loses_nothing()
    {
        var ledger = new UsageLedger();
        Parallel.For(0, 10_000, i => ledger.Record("k" + (i % 3), "m", UsageOutcome.Completed, 2, 3));
        Assert.Equal(50_000, ledger.Snapshot().Sum(t => t.TotalTokens));
    }
}
