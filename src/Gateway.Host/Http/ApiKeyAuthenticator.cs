using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Http;

/// <summary>
/// Bearer-token check against many keys. Keys are held only as SHA-256 digests; a presented token is hashed
/// and looked up by digest, then confirmed with a constant-time comparison, so the time taken says nothing
/// about how much of a key was right. Immutable: a config reload builds a new one and swaps it in
/// <see cref="PublishedApiKeys"/>.
/// </summary>
internal sealed class ApiKeyAuthenticator
{
    private readonly Dictionary<string, (byte[] Digest, ApiKeyIdentity Identity)> _byDigest = new(StringComparer.Ordinal);

    public ApiKeyAuthenticator(IEnumerable<(string Key, string Name, IEnumerable<string> AllowedModels)> keys)
        : this(keys.Select(k => (k.Key, k.Name, k.AllowedModels, false)))
    {
    }

    public ApiKeyAuthenticator(IEnumerable<(string Key, string Name, IEnumerable<string> AllowedModels, bool Admin)> keys)
    {
        foreach (var (key, name, allowed, admin) in keys)
        {
            var digest = Digest(key);
            var hex = Convert.ToHexString(digest);
            // An unnamed key is known by a digest prefix in logs: stable, and useless for recovering the key.
            var label = string.IsNullOrEmpty(name) ? "key-" + hex[..8].ToLowerInvariant() : name;
            _byDigest[hex] = (digest, new ApiKeyIdentity(label, allowed.ToHashSet(StringComparer.Ordinal), admin));
        }
    }

    public bool Enabled => _byDigest.Count > 0;

    public AuthResult Authenticate(string? authorization)
    {
        const string Prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return AuthResult.Missing;
        }

        var token = authorization.AsSpan(Prefix.Length).Trim();
        if (token.IsEmpty)
        {
            return AuthResult.Invalid;
        }

        var digest = Digest(token);
        if (_byDigest.TryGetValue(Convert.ToHexString(digest), out var entry) && CryptographicOperations.FixedTimeEquals(digest, entry.Digest))
        {
            return new AuthResult(AuthOutcome.Ok, entry.Identity);
        }

        return AuthResult.Invalid;
    }

    private static byte[] Digest(ReadOnlySpan<char> key)
    {
        var bytes = Encoding.UTF8.GetBytes(key.ToArray());
        return SHA256.HashData(bytes);
    }
}
