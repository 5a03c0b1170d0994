namespace Gateway.Soak;

/// <summary>One pass/fail check at the end of the soak.</summary>
internal sealed record SoakCheck(string Name, bool Passed, string Figures);

/// <summary>Everything the report shows.</summary>
internal sealed record SoakResult(
    TimeSpan Duration,
    Snapshot Baseline,
    Snapshot End,
    IReadOnlyList<Snapshot> Timeline,
    Tally Tally,
    List<SoakCheck> Checks);
