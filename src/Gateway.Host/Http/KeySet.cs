using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Gateway.Streams.Limits;

namespace Gateway.Host.Http;

/// <summary>
/// The configured keys as one immutable snapshot: each key's SHA-256 digest and identity, plus the limits of
/// callers without a key (auth off: per client address). A reload builds a new set and publishes it whole
/// (<see cref="PublishedApiKeys.Publish"/>); limiter state and usage are keyed by name, so they carry over.
/// </summary>
internal sealed class KeySet
{
    private static readonly byte[] NoKey = new byte[SHA256.HashSizeInBytes];
    private static readonly (byte[] Digest, ApiKeyIdentity? Identity)[] NoCandidates = [(NoKey, null)];

    private readonly (byte[] Digest, ApiKeyIdentity Identity)[] _entries;
    private readonly FrozenDictionary<ulong, (byte[] Digest, ApiKeyIdentity? Identity)[]> _byPrefix;

    public KeySet(IEnumerable<(byte[] Digest, ApiKeyIdentity Identity)> entries, KeyLimits anonymousLimits)
    {
        _entries = [.. entries];
        _byPrefix = _entries
            .GroupBy(e => Prefix(e.Digest))
            .ToFrozenDictionary(g => g.Key, g => g.Select(e => (e.Digest, (ApiKeyIdentity?)e.Identity)).ToArray());
        AnonymousLimits = anonymousLimits;
    }

    public static KeySet Empty { get; } = new([], KeyLimits.Unlimited);

    public int Count => _entries.Length;

    /// <summary>Limits of a caller with no key (auth off), kept per client address.</summary>
    public KeyLimits AnonymousLimits { get; }

    public IEnumerable<ApiKeyIdentity> Identities => _entries.Select(e => e.Identity);

    /// <summary>
    /// The identity whose digest equals <paramref name="digest"/>. The digest's first 8 bytes pick the candidates
    /// (one, practically always); the full digest is then compared in constant time, against a dummy when nothing
    /// matched the prefix, and with no early return, so a known and an unknown token do the same work whatever the
    /// number of keys. What the look-up's timing could depend on is the digest of the presented token, which the
    /// caller knows already and which says nothing about any key (SHA-256 cannot be inverted).
    /// </summary>
    public ApiKeyIdentity? Find(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != SHA256.HashSizeInBytes)
        {
            return null;
        }

        var candidates = _byPrefix.TryGetValue(Prefix(digest), out var found) ? found : NoCandidates;
        ApiKeyIdentity? identity = null;
        foreach (var (candidate, owner) in candidates)
        {
            var match = CryptographicOperations.FixedTimeEquals(digest, candidate);
            identity = match ? owner : identity;
        }

        return identity;
    }

    private static ulong Prefix(ReadOnlySpan<byte> digest) => BinaryPrimitives.ReadUInt64LittleEndian(digest);
}
