using System.Text;
using Gateway.Host.Validation;

namespace Gateway.Host.Tests.Validation;

public sealed class RequestBodyCheckTests
{
    public static TheoryData<byte[], string?> Cases => new()
    {
        { Encoding.UTF8.GetBytes("{\"model\":\"m\",\"x\":\"héllo 世界 🎉\"}"), null },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ud83d\\ude00\"}"), null },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\\\ud83d\"}"), null },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\uD83D\\uDE00 and \\u00e9\"}"), null },
        { [.. "{\"x\":\""u8, 0xC3, 0x28, .. "\"}"u8], "invalid_utf8" },
        { [.. "{\"x\":\""u8, 0xED, 0xA0, 0xBD, .. "\"}"u8], "invalid_utf8" },
        { [0xFF, 0xFE, .. "{}"u8], "invalid_utf8" },
        { [.. "{\"x\":1}"u8, 0x80], "invalid_utf8" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ud83d\"}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ude00\"}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ud83d\\n\"}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ud83d\\ud83d\"}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes("{\"\\ud83d\":1}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes("{\"x\":[\"\\ud83dx\"]}"), "invalid_unicode_escape" },
        { Encoding.UTF8.GetBytes(""), "invalid_json" },
        { Encoding.UTF8.GetBytes("{\"x\":1,}"), "invalid_json" },
        { Encoding.UTF8.GetBytes("{\"x\":1} {}"), "invalid_json" },
        { Encoding.UTF8.GetBytes("{/*c*/\"x\":1}"), "invalid_json" },
        { Encoding.UTF8.GetBytes("{\"x\":NaN}"), "invalid_json" },
        { Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)), null },
        { Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65)), "json_too_deep" },
        { Encoding.UTF8.GetBytes(new string('[', 100_000)), "json_too_deep" },
        { Encoding.UTF8.GetBytes("[1,2]"), null },
        // With and without a \u escape (the one-pass parse is taken only without one): the same verdicts.
        { Encoding.UTF8.GetBytes("{\"x\":\"\\u00e9\"," + new string('[', 65) + new string(']', 65) + "}"), "invalid_json" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\u00e9\",\"y\":" + new string('[', 64) + new string(']', 64) + "}"), "json_too_deep" },
        { Encoding.UTF8.GetBytes("{\"y\":" + new string('[', 64) + new string(']', 64) + "}"), "json_too_deep" },
        { Encoding.UTF8.GetBytes("{\"y\":" + new string('[', 63) + new string(']', 63) + "}"), null },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\u00e9\",\"y\":" + new string('[', 63) + new string(']', 63) + "}"), null },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\u00e9\",}"), "invalid_json" },
        { Encoding.UTF8.GetBytes("{\"x\":\"\\ud83d\",}"), "invalid_unicode_escape" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_body_must_be_utf8_json_without_lone_surrogates_and_not_too_deep(byte[] body, string? code)
    {
        var error = RequestBodyCheck.TryParse(body, out var document);
        using (document)
        {
            Assert.True(code == error?.Code, $"expected {code ?? "accepted"}, got {error?.Code ?? "accepted"} ({error?.Message})");
            Assert.Equal(code is null, document is not null);
            if (error is not null)
            {
                Assert.Equal(400, error.Status);
            }
        }
    }

    [Theory]
    [InlineData("{\"x\":1,}")]
    [InlineData("{\"x\":\"\\u00e9\",}")]
    [InlineData("{\"x\":1} {}")]
    public void Invalid_json_is_reported_with_the_readers_position(string body)
    {
        var error = RequestBodyCheck.TryParse(Encoding.UTF8.GetBytes(body), out _)!;
        Assert.StartsWith("The request body is not valid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("BytePositionInLine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_invalid_utf8_offset_is_reported()
    {
        var body = new byte[10_000];
        body.AsSpan().Fill((byte)' ');
        body[9_000] = 0xFF;
        Assert.Contains("offset 9000", RequestBodyCheck.TryParse(body, out _)!.Message, StringComparison.Ordinal);
    }
}
