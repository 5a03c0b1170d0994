using Gateway.Host.Configuration;
using Gateway.Host.Hosting;
using Gateway.Host.Http;
using Gateway.Streams.Limits;

namespace Gateway.Host.Tests.Http;

public sealed class ApiKeyAuthenticatorTests
{
    private static ApiKeyIdentity Identity(string name, bool enabled = true) => new(name, new HashSet<string>(), KeyLimits.Unlimited, enabled);

    private static ApiKeyAuthenticator Authenticator(int keys) =>
        new(new KeySet(Enumerable.Range(0, keys).Select(i => (ApiKeyAuthenticator.Digest($"sk-{i}"), Identity($"key-{i}"))), KeyLimits.Unlimited));

    [Fact]
    public void The_first_the_last_and_no_key_are_told_apart()
    {
        var keys = Authenticator(100);

        Assert.Equal("key-0", keys.Authenticate("Bearer sk-0").Identity?.Name);
        Assert.Equal("key-99", keys.Authenticate("Bearer sk-99").Identity?.Name);
        Assert.Equal(AuthResult.Invalid, keys.Authenticate("Bearer sk-100"));
        Assert.Equal(AuthResult.Invalid, keys.Authenticate("Bearer sk-")); // a prefix of a key is no key
        Assert.Equal(AuthResult.Missing, keys.Authenticate("Basic sk-0"));
    }

    [Fact]
    public void Keys_whose_digests_share_a_prefix_are_each_found()
    {
        var first = new byte[32];
        var second = new byte[32];
        first[31] = 1;
        second[31] = 2;
        var set = new KeySet([(first, Identity("one")), (second, Identity("two"))], KeyLimits.Unlimited);

        Assert.Equal("one", set.Find(first)?.Name);
        Assert.Equal("two", set.Find(second)?.Name);
        Assert.Null(set.Find(new byte[32]));
        Assert.Null(set.Find(first.AsSpan(0, 16)));
    }

    [Fact]
    public void A_disabled_key_is_recognised_as_disabled()
    {
        var keys = new ApiKeyAuthenticator(new KeySet([(ApiKeyAuthenticator.Digest("sk-old"), Identity("old", enabled: false))], KeyLimits.Unlimited));

        var result = keys.Authenticate("Bearer sk-old");

        Assert.Equal(AuthOutcome.Disabled, result.Outcome);
        Assert.Equal("old", result.Identity?.Name);
    }

    [Fact]
    public void The_factory_takes_unset_limits_from_the_defaults_and_reads_digests()
    {
        var auth = new AuthSettings
        {
            BearerToken = "legacy",
            Keys =
            [
                new ApiKeySettings { Key = "sk-a", Name = "a", TokensPerMinute = 500, Priority = 2, Admin = true },
                new ApiKeySettings { KeySha256 = Convert.ToHexString(ApiKeyAuthenticator.Digest("sk-b")), Name = "b", MaxConcurrent = 3 },
            ],
        };
        var keys = GatewayRuntime.BuildKeys(auth, new RateLimitSettings { RequestsPerMinute = 60, TokensPerMinute = 1000, MaxConcurrent = 5 });

        Assert.Equal(new KeyLimits(60, 1000, 5), keys.Authenticate("Bearer legacy").Identity?.Limits);
        Assert.Equal("default", keys.Authenticate("Bearer legacy").Identity?.Name);
        var a = keys.Authenticate("Bearer sk-a").Identity!;
        Assert.Equal(new KeyLimits(60, 500, 5, 2), a.Limits);
        Assert.True(a.Admin);
        Assert.Equal(new KeyLimits(60, 1000, 3), keys.Authenticate("Bearer sk-b").Identity?.Limits);
        Assert.Equal(new KeyLimits(60, 1000, 5), keys.Keys.AnonymousLimits);
    }
}
