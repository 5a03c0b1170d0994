using Gateway.Host.Configuration;
using Gateway.Host.Http;
using Gateway.Streams.Limits;

namespace Gateway.Host.Hosting;

/// <summary>
/// Builds the <see cref="KeySet"/> from validated settings: <c>BEARER_TOKEN</c> as the key <c>default</c> with the
/// <c>rateLimit</c> defaults, then every <c>auth.keys[]</c> entry, each limit it leaves unset taken from <c>rateLimit</c>.
/// A reload calls this again and publishes the result (<see cref="PublishedApiKeys.Publish"/>), with the rate-limit
/// defaults of start-up (those need a restart).
/// </summary>
internal static class KeySetFactory
{
    public static KeySet Build(AuthSettings auth, RateLimitSettings rateLimit)
    {
        var defaults = DefaultLimits(rateLimit);
        var entries = new List<(byte[] Digest, ApiKeyIdentity Identity)>();
        if (!string.IsNullOrEmpty(auth.BearerToken))
        {
            entries.Add((ApiKeyAuthenticator.Digest(auth.BearerToken), new ApiKeyIdentity("default", new HashSet<string>(), defaults)));
        }

        foreach (var key in auth.Keys)
        {
            var digest = string.IsNullOrEmpty(key.KeySha256) ? ApiKeyAuthenticator.Digest(key.Key) : Convert.FromHexString(key.KeySha256);
            // An unnamed key is known by a digest prefix in logs: stable, and useless for recovering the key.
            var name = string.IsNullOrEmpty(key.Name) ? "key-" + Convert.ToHexString(digest)[..8].ToLowerInvariant() : key.Name;
            var limits = new KeyLimits(
                key.RequestsPerMinute ?? defaults.RequestsPerMinute,
                key.TokensPerMinute ?? defaults.TokensPerMinute,
                key.MaxConcurrent ?? defaults.MaxConcurrent,
                key.Priority);
            entries.Add((digest, new ApiKeyIdentity(name, key.AllowedModels.ToHashSet(StringComparer.Ordinal), limits, key.Enabled, key.Admin, key.LogContent)));
        }

        return new KeySet(entries, defaults);
    }

    public static KeyLimits DefaultLimits(RateLimitSettings rateLimit) =>
        new(rateLimit.RequestsPerMinute, rateLimit.TokensPerMinute, rateLimit.MaxConcurrent);
}
