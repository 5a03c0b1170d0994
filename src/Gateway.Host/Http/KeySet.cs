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
    private readonly (byte[] Digest, ApiKeyIdentity Identity)[] _entries;

    public KeySet(IEnumerable<(byte[] Digest, ApiKeyIdentity Identity)> entries, KeyLimits anonymousLimits)
    {
        _entries = [.. entries];
        AnonymousLimits = anonymousLimits;
    }

    public static KeySet Empty { get; } = new([], KeyLimits.Unlimited);

    public int Count => _entries.Length;

    /// <summary>Limits of a caller with no key (auth off), kept per client address.</summary>
    public KeyLimits AnonymousLimits { get; }

    public IEnumerable<ApiKeyIdentity> Identities => _entries.Select(e => e.Identity);

    /// <summary>
    /// The identity whose digest equals <paramref name="digest"/>, comparing against every key in constant time
    /// and without stopping at a match, so the time taken depends only on the number of keys.
    /// </summary>
    public ApiKeyIdentity? Find(ReadOnlySpan<byte> digest)
    {
        ApiKeyIdentity? found = null;
        foreach (var (candidate, identity) in _entries)
        {
            var match = CryptographicOperations.FixedTimeEquals(digest, candidate);
            found = match ? identity : found;
        }

        return found;
    }
}
