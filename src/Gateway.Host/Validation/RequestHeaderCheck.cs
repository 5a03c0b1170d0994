using Gateway.Streams.Proxy;
using Microsoft.Net.Http.Headers;

namespace Gateway.Host.Validation;

/// <summary>
/// Header checks made before the body is read. <c>Content-Type</c> must be JSON: <c>application/json</c> or
/// <c>application/*+json</c>, with no charset or <c>charset=utf-8</c>; a missing <c>Content-Type</c> is tolerated
/// (the body is then held to the same JSON checks). Anything else — notably curl's <c>-d</c> default
/// <c>application/x-www-form-urlencoded</c> and <c>fetch</c>'s <c>text/plain</c> — is 415 <c>unsupported_media_type</c>.
/// <c>Content-Encoding</c> other than <c>identity</c> is 415 <c>unsupported_content_encoding</c>: the gateway does not
/// inflate bodies (no decompression bomb to cap).
/// </summary>
internal static class RequestHeaderCheck
{
    /// <summary>What nearly every client sends, accepted without parsing (any other spelling is parsed and judged in full).</summary>
    private static bool IsPlainJson(string contentType) =>
        contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase);

    public static GatewayError? Check(string? contentType, string? contentEncoding)
    {
        if (!string.IsNullOrWhiteSpace(contentEncoding))
        {
            foreach (var coding in contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
                {
                    return GatewayError.UnsupportedContentEncoding(coding);
                }
            }
        }

        if (contentType is null || IsPlainJson(contentType))
        {
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType)
        {
            return GatewayError.UnsupportedMediaType($"Content-Type '{Clip(contentType)}' is not a valid media type; send 'Content-Type: application/json'.");
        }

        if (mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayError.UnsupportedMediaType(
                "multipart/form-data uploads are not relayed by the gateway; send a JSON body with 'Content-Type: application/json'.");
        }

        var isJson = mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isJson)
        {
            var hint = mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
                ? " (curl's -d sends this by default: add -H 'Content-Type: application/json')"
                : "";
            return GatewayError.UnsupportedMediaType(
                $"Content-Type '{Clip(mediaType)}' is not supported{hint}; the body must be JSON sent with 'Content-Type: application/json'.");
        }

        var charset = parsed.Charset.Value;
        if (charset is not null && !charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return GatewayError.UnsupportedMediaType($"charset '{Clip(charset)}' is not supported; JSON bodies must be UTF-8.");
        }

        return null;
    }

    private static string Clip(string value)
    {
        var clipped = value.Length <= 100 ? value : value[..100] + "…";
        return string.Concat(clipped.Select(c => char.IsControl(c) ? '?' : c));
    }
}
