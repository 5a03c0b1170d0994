using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>What one readiness probe of one replica found.</summary>
public sealed record ProbeResult(UpstreamEndpoint Endpoint, bool Ready, string Reason, int? MaxModelLen);
