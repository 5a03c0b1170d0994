using System.Security.Cryptography;
using System.Text;

namespace Gateway.Host.Http;

/// <summary>
/// Bearer-token check against one <see cref="KeySet"/>. Keys are held only as SHA-256 digests; a presented token is
/// hashed and compared with every key's digest in constant time, so a known and an unknown token take the same time
/// and the time says nothing about how much of a key was right. Immutable: a config reload builds a new one and
/// swaps it in <see cref="PublishedApiKeys"/>; limiter state and usage are kept by key name, so they carry over.
/// </summary>
internal sealed class ApiKeyAuthenticator(KeySet keys)
{
    /// <summary>The keys this authenticator checks against.</summary>
    public KeySet Keys { get; } = keys;

    public bool Enabled => Keys.Count > 0;

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

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(token, digest);
        var identity = Keys.Find(digest);
        return identity switch
        {
            null => AuthResult.Invalid,
            { Enabled: false } => new AuthResult(AuthOutcome.Disabled, identity),
            _ => new AuthResult(AuthOutcome.Ok, identity),
        };
    }

    public static byte[] Digest(ReadOnlySpan<char> key)
    {
        var digest = new byte[SHA256.HashSizeInBytes];
        Digest(key, digest);
        return digest;
    }

    /// <summary>The SHA-256 digest of <paramref name="key"/>'s UTF-8 bytes, into <paramref name="digest"/> (32 bytes).</summary>
    public static void Digest(ReadOnlySpan<char> key, Span<byte> digest)
    {
        Span<byte> bytes = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var n = Encoding.UTF8.GetBytes(key, bytes);
        SHA256.HashData(bytes[..n], digest);
    }
}
