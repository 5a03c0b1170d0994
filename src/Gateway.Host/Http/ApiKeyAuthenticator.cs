using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Http;

/// <summary>
/// Bearer-token check against the current <see cref="KeySet"/>. Keys are held only as SHA-256 digests; a presented
/// token is hashed and compared with every key's digest in constant time, so a known and an unknown token take the
/// same time and the time says nothing about how much of a key was right. The key set is swapped atomically on reload.
/// </summary>
internal sealed class ApiKeyAuthenticator(KeySet keys)
{
    private volatile KeySet _keys = keys;

    /// <summary>The key set in force (one volatile read).</summary>
    public KeySet Keys => _keys;

    public bool Enabled => _keys.Count > 0;

    /// <summary>Puts a new key set in force for every request that starts after this call.</summary>
    public void Swap(KeySet keys) => _keys = keys;

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

        var identity = _keys.Find(Digest(token));
        return identity switch
        {
            null => AuthResult.Invalid,
            { Enabled: false } => new AuthResult(AuthOutcome.Disabled, identity),
            _ => new AuthResult(AuthOutcome.Ok, identity),
        };
    }

    public static byte[] Digest(ReadOnlySpan<char> key)
    {
        Span<byte> bytes = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var n = Encoding.UTF8.GetBytes(key, bytes);
        return SHA256.HashData(bytes[..n]);
    }
}
