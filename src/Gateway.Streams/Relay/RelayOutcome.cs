using Gateway.Streams.Proxy;

namespace Gateway.Streams.Relay;

/// <summary>
/// How a relay ended, the token usage vLLM reported (when it did), and the generated deltas the gateway received
/// from the upstream (content, text or tool-call pieces; vLLM sends one per token by default): what a stream cut
/// short is charged for when vLLM's usage chunk never came.
/// </summary>
public sealed record RelayOutcome(RelayResult Kind, TokenUsage? Usage, int DeltasRelayed = 0)
{
    /// <summary>
    /// The stream failed before its first event reached the client: nothing was written (not even the response
    /// headers), so the caller answers with this error and a real HTTP status instead of an in-band error.
    /// </summary>
    public GatewayError? FailedBeforeFirstByte { get; init; }
}
