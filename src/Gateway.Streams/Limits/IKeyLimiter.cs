namespace Gateway.Streams.Limits;

/// <summary>
/// Per-key admission before a request takes a queue place: requests per minute, tokens per minute (a
/// reservation settled to real usage when the request ends) and concurrent requests. State is keyed by the key's
/// NAME, so it survives a reload that keeps the name. One instance serves every model.
/// </summary>
/// <remarks>
/// The seam for a cluster: every node keeps local buckets (no request waits on the network), publishes its own
/// consumption as a <see cref="LimiterSnapshot"/> every few hundred milliseconds (e.g. with Akka.DistributedData), and
/// <see cref="Absorb"/>s its peers' snapshots, which charges its buckets with what the others consumed since.
/// </remarks>
public interface IKeyLimiter
{
    /// <summary>Admits one request of <paramref name="key"/> that reserves <paramref name="reserveTokens"/> tokens, or says which limit refused it.</summary>
    LimitDecision TryAcquire(string key, KeyLimits limits, int reserveTokens);

    /// <summary>This node's own consumption per key (requests admitted, tokens charged): what it publishes to its peers.</summary>
    LimiterSnapshot Snapshot();

    /// <summary>
    /// Charges this node's buckets with what <paramref name="node"/> consumed since the last of its snapshots absorbed
    /// here, for every key this node tracks (a key the snapshot does not list consumed nothing there). The first
    /// snapshot from a node after this node began tracking a key only sets the baseline; a counter that went down (the
    /// peer forgot the key) counts again from zero. Absorbing the same snapshot twice charges nothing.
    /// </summary>
    void Absorb(string node, LimiterSnapshot peer);
}
