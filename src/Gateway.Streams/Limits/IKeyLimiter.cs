namespace Gateway.Streams.Limits;

/// <summary>
/// Per-key admission before a request takes a queue place: requests per minute, tokens per minute (a
/// reservation settled to real usage when the request ends) and concurrent requests. State is keyed by the key's
/// NAME, so it survives a reload that keeps the name. One instance serves every model.
/// </summary>
/// <remarks>
/// The seam for a cluster: an implementation may keep local buckets and reconcile them with its peers
/// periodically (each node admits against its share and gossips consumption), so no request waits on the network.
/// </remarks>
public interface IKeyLimiter
{
    /// <summary>Admits one request of <paramref name="key"/> that reserves <paramref name="reserveTokens"/> tokens, or says which limit refused it.</summary>
    LimitDecision TryAcquire(string key, KeyLimits limits, int reserveTokens);
}
