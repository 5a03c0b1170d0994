using Gateway.Streams.Proxy;

namespace Gateway.Streams.Picking;

/// <summary>
/// vLLM's own waiting queue (<c>vllm:num_requests_waiting</c>, which includes other clients' requests), divided
/// by the weight: a request that would wait behind others scores as if those were ours in flight.
/// </summary>
public sealed class WaitingQueueScorer : IReplicaScorer
{
    public double Score(UpstreamEndpoint replica, ProxyRequest request) =>
        replica.Snapshot.Load is { } load ? Math.Max(0, load.Waiting) / replica.Weight : 0;
}
