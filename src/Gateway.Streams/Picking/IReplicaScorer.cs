using Gateway.Streams.Proxy;

namespace Gateway.Streams.Picking;

/// <summary>
/// One opinion about how busy a replica is for a request: lower is better. The picker adds up the scorers'
/// answers; a prefix-cache-aware scorer (a bonus where the prompt's prefix is cached) slots in as one more.
/// </summary>
public interface IReplicaScorer
{
    double Score(UpstreamEndpoint replica, ProxyRequest request);
}
