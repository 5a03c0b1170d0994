namespace Gateway.Streams.Relay;

/// <summary>A stream's phase timeouts, and whether the caller holds the response headers back until the first event.</summary>
/// <param name="FirstEvent">No event within this long after the headers: <c>upstream_ttft_timeout</c>. Null: none.</param>
/// <param name="BetweenEvents">Silence between two events longer than this: <c>upstream_idle_timeout</c>. Null: none.</param>
/// <param name="DeferHeaders">
/// The client's response has not started: a failure before the first event is returned as
/// <see cref="RelayOutcome.FailedBeforeFirstByte"/> instead of being written in-band.
/// </param>
public sealed record StreamTimeouts(TimeSpan? FirstEvent, TimeSpan? BetweenEvents, bool DeferHeaders = false)
{
    /// <summary>The clock the timeouts run on (the gateway's one injected <see cref="TimeProvider"/>).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
