using Gateway.Streams.Proxy;

namespace Gateway.Streams.Upstream;

/// <summary>What one readiness probe of one replica found.</summary>
/// <param name="ServesModel">Whether <c>/v1/models</c> listed the model; null when the probe did not get that far.</param>
/// <param name="IsAdapter">The model is listed with a <c>parent</c>: a LoRA adapter of another model.</param>
public sealed record ProbeResult(UpstreamEndpoint Endpoint, bool Ready, string Reason, int? MaxModelLen, bool? ServesModel = null, bool IsAdapter = false);
