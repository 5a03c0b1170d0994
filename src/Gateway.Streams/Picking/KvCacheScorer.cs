using Gateway.Streams.Proxy;

namespace Gateway.Streams.Picking;

/// <summary>
/// KV-cache pressure (<c>vllm:kv_cache_usage_perc</c>, 0..1): a nearly full cache means preemption soon, so
/// usage counts as up to <see cref="FullCachePenalty"/> outstanding requests, growing steeply above 80 %.
/// </summary>
public sealed class KvCacheScorer : IReplicaScorer
{
    public const double FullCachePenalty = 8;

    public double Score(UpstreamEndpoint replica, ProxyRequest request)
    {
        if (replica.Snapshot.Load is not { } load)
        {
            return 0;
        }

        var usage = Math.Clamp(load.KvCacheUsage, 0, 1);
        var steep = usage > 0.8 ? (usage - 0.8) * 5 : 0;
        return (usage * 0.25 + steep * 0.75) * FullCachePenalty;
    }
}
