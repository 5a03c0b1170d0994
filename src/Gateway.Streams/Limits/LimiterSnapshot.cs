using System.Collections.Frozen;

namespace Gateway.Streams.Limits;

/// <summary>
/// One node's consumption per key name, as counters that only grow while the node tracks the key: what a node
/// publishes so its peers can charge their own buckets (<see cref="IKeyLimiter.Absorb"/>) without a network hop per
/// request. Two snapshots of the same node merge by taking each key's larger counters (a grow-only counter: the merge
/// is commutative, associative and idempotent, so gossip may deliver them in any order, twice or late).
/// </summary>
public sealed class LimiterSnapshot(IReadOnlyDictionary<string, KeyConsumption> keys)
{
    public static LimiterSnapshot Empty { get; } = new(FrozenDictionary<string, KeyConsumption>.Empty);

    public IReadOnlyDictionary<string, KeyConsumption> Keys { get; } = keys.ToFrozenDictionary(StringComparer.Ordinal);

    public static LimiterSnapshot Merge(LimiterSnapshot a, LimiterSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var merged = new Dictionary<string, KeyConsumption>(a.Keys, StringComparer.Ordinal);
        foreach (var (key, consumption) in b.Keys)
        {
            merged[key] = merged.TryGetValue(key, out var mine)
                ? new KeyConsumption(Math.Max(mine.Requests, consumption.Requests), Math.Max(mine.Tokens, consumption.Tokens))
                : consumption;
        }

        return new LimiterSnapshot(merged);
    }
}
