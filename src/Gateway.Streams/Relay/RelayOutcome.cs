using Gateway.Streams.Proxy;

namespace Gateway.Streams.Relay;

/// <summary>How a relay ended, and the token usage vLLM reported (when it did).</summary>
public sealed record RelayOutcome(RelayResult Kind, TokenUsage? Usage);
