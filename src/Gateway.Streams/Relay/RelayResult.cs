namespace Gateway.Streams.Relay;

/// <summary>How a relay ended; the HTTP side logs it and the metrics count it.</summary>
public enum RelayResult
{
    Completed,
    ClientAborted,
    UpstreamTimedOut,
    UpstreamFailed,
    UpstreamTruncated,
}

/// <summary>How a relay ended, and the token usage vLLM reported (when it did).</summary>
public sealed record RelayOutcome(RelayResult Kind, TokenUsage? Usage);
