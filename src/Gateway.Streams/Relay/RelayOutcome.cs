using Gateway.Streams.Proxy;

namespace Gateway.Streams.Relay;

/// <summary>How a relay ended, and the token usage vLLM reported (when it did).</summary>
public sealed record RelayOutcome(RelayResult Kind, TokenUsage? Usage)
{
    /// <summary>
    /// The stream failed before its first event reached the client: nothing was written (not even the response
    /// headers), so the caller answers with this error and a real HTTP status instead of an in-band error.
    /// </summary>
    public GatewayError? FailedBeforeFirstByte { get; init; }
}
