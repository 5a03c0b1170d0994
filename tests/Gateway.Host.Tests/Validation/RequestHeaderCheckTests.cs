using Gateway.Host.Validation;

namespace Gateway.Host.Tests.Validation;

public sealed class RequestHeaderCheckTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("application/json", null, null)]
    [InlineData("application/json; charset=utf-8", null, null)]
    [InlineData("Application/JSON; charset=\"UTF-8\"", null, null)]
    [InlineData("application/vnd.api+json", null, null)]
    [InlineData("application/json", "identity", null)]
    [InlineData("application/x-www-form-urlencoded", null, "unsupported_media_type")]
    [InlineData("text/plain;charset=UTF-8", null, "unsupported_media_type")]
    [InlineData("multipart/form-data; boundary=x", null, "unsupported_media_type")]
    [InlineData("application/json; charset=latin1", null, "unsupported_media_type")]
    [InlineData("text/json", null, "unsupported_media_type")]
    [InlineData("not a media type", null, "unsupported_media_type")]
    [InlineData("application/json", "gzip", "unsupported_content_encoding")]
    [InlineData("application/json", "identity, br", "unsupported_content_encoding")]
    [InlineData(null, "deflate", "unsupported_content_encoding")]
    public void Only_uncompressed_json_bodies_are_accepted(string? contentType, string? contentEncoding, string? code)
    {
        var error = RequestHeaderCheck.Check(contentType, contentEncoding);
        Assert.Equal(code, error?.Code);
        if (error is not null)
        {
            Assert.Equal(415, error.Status);
        }
    }

    [Fact]
    public void A_form_body_is_told_to_add_the_json_header()
    {
        var error = RequestHeaderCheck.Check("application/x-www-form-urlencoded", null);
        Assert.Contains("-H 'Content-Type: application/json'", error!.Message, StringComparison.Ordinal);
    }
}
