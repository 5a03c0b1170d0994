using Gateway.Host.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Host.Tests.Http;

public sealed class AuthorizationHeaderCheckTests
{
    [Theory]
    [InlineData("Bearer sk-1")]
    [InlineData("Bearer  sk-1 ")]
    [InlineData("Basic dXNlcjpwYXNz")] // not a bearer header: left to the key check (missing bearer token)
    [InlineData("")]
    public void One_well_formed_header_or_none_passes(string value) =>
        Assert.Null(AuthorizationHeaderCheck.Check(value.Length == 0 ? StringValues.Empty : new StringValues(value)));

    [Theory]
    [InlineData("Bearer sk-1 sk-2")]
    [InlineData("Bearer sk-1, Bearer sk-2")]
    [InlineData("Bearer sk-1\tsk-2")]
    [InlineData("Bearer sk-\u0001")]
    public void A_malformed_header_is_401(string value)
    {
        var error = AuthorizationHeaderCheck.Check(value);

        Assert.NotNull(error);
        Assert.Equal(401, error.Status);
        Assert.Equal("invalid_bearer_token", error.Code);
        Assert.DoesNotContain("sk-", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_header_is_401_even_with_the_same_key() =>
        Assert.Equal(401, AuthorizationHeaderCheck.Check(new StringValues(["Bearer sk-1", "Bearer sk-1"]))?.Status);
}
