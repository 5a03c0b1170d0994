using Gateway.Streams.Proxy;

namespace Gateway.Streams.Picking;

/// <summary>Least outstanding requests: this gateway's requests in flight on the replica, divided by its weight.</summary>
public sealed class OutstandingRequestsScorer : IReplicaScorer
{
    public double Score(UpstreamEndpoint replica, ProxyRequest request) => replica.InFlight / replica.Weight;
}
