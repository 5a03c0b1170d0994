using System.Net;
using System.Net.Sockets;

namespace Gateway.Host.Configuration;

/// <summary>
/// Checks an upstream (vLLM) base URL once, at start-up, like the Python <c>vllm_upstream_url</c> validator:
/// http or https, a host, and never a literal cloud metadata-service address. DNS names are accepted without
/// resolution; loopback and RFC1918 addresses are allowed.
/// </summary>
internal static class UpstreamUrlValidator
{
    /// <summary>
    /// AWS/GCP/Azure IMDS, ECS task metadata v2 and v4, Alibaba Cloud metadata, and the AWS IMDS IPv6 endpoint.
    /// </summary>
    public static IReadOnlyList<IPAddress> MetadataAddresses { get; } =
    [
        IPAddress.Parse("169.254.169.254"),
        IPAddress.Parse("169.254.170.2"),
        IPAddress.Parse("169.254.170.23"),
        IPAddress.Parse("100.100.100.200"),
        IPAddress.Parse("fd00:ec2::254"),
    ];

    /// <summary>
    /// Returns null when <paramref name="url"/> is acceptable, otherwise one line starting with
    /// <paramref name="key"/>. Metadata addresses are refused in every form .NET would connect to: decimal,
    /// hex and octal IPv4, IPv4-mapped/-compatible and NAT64 (64:ff9b::/96) IPv6, bracketed or with a zone, any port.
    /// </summary>
    public static string? Validate(string key, string url)
    {
        ArgumentNullException.ThrowIfNull(key);
        var text = url?.Trim() ?? "";

        var scheme = SchemeOf(text);
        if (scheme is not ("http" or "https"))
        {
            return $"{key} must use http or https — got scheme='{scheme}'.";
        }

        var rest = text[(scheme.Length + 1)..];
        if (!rest.StartsWith("//", StringComparison.Ordinal) || HostPartOf(rest[2..]).Length == 0)
        {
            return $"{key} must include a host.";
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"{key} is not a valid URL: '{text}'.";
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"{key} must be a base URL without a query or fragment, got '{text}'.";
        }

        var metadata = MetadataAddressOf(uri.Host) ?? MetadataAddressOf(Uri.UnescapeDataString(uri.Host));
        if (metadata is not null)
        {
            return $"{key} targets a cloud metadata-service address ({metadata}); refusing to forward traffic to it.";
        }

        return null;
    }

    /// <summary>
    /// Trims a valid base URL and removes a trailing <c>/</c> and a trailing <c>/v1</c>:
    /// <c>http://vllm:8000/v1/</c> becomes <c>http://vllm:8000</c>.
    /// </summary>
    public static string NormalizeBaseUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = url.Trim().TrimEnd('/');
        if (text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3].TrimEnd('/');
        }

        return text;
    }

    /// <summary>The metadata address <paramref name="host"/> denotes, or null (DNS names are never resolved).</summary>
    public static IPAddress? MetadataAddressOf(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim();
        if (h.Length > 2 && h[0] == '[' && h[^1] == ']')
        {
            h = h[1..^1];
        }

        var zone = h.IndexOf('%', StringComparison.Ordinal);
        if (zone > 0 && h.Contains(':', StringComparison.Ordinal))
        {
            h = h[..zone];
        }

        // "169.254.169.254." names the same address for most resolvers.
        h = h.TrimEnd('.');
        if (h.Length == 0 || !IPAddress.TryParse(h, out var address))
        {
            return null;
        }

        var bytes = Canonical(address).GetAddressBytes();
        return MetadataAddresses.FirstOrDefault(m => m.GetAddressBytes().AsSpan().SequenceEqual(bytes));
    }

    // An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d)
    // is compared as that IPv4 address.
    private static IPAddress Canonical(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        var prefix = b.AsSpan(0, 12);
        var compatible = prefix.IndexOfAnyExcept((byte)0) < 0 && b.AsSpan(12).IndexOfAnyExcept((byte)0) >= 0;
        ReadOnlySpan<byte> nat64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
        if (compatible || prefix.SequenceEqual(nat64))
        {
            return new IPAddress(b.AsSpan(12, 4));
        }

        return new IPAddress(b);
    }

    // RFC 3986 scheme, lower-cased; "" when the text has none (as Python's urlparse reports it).
    private static string SchemeOf(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return "";
        }

        for (var i = 1; i < colon; i++)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return "";
            }
        }

        return text[..colon].ToLowerInvariant();
    }

    // The host of an authority-first string: user-info and port removed.
    private static string HostPartOf(string afterSlashes)
    {
        var end = afterSlashes.IndexOfAny(['/', '?', '#', '\\']);
        var authority = end < 0 ? afterSlashes : afterSlashes[..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? authority : authority[..(close + 1)];
        }

        var colon = authority.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? authority : authority[..colon]).Trim();
    }
}
