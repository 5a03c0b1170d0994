using Gateway.Streams.Proxy;
using Microsoft.Extensions.Primitives;

namespace Gateway.Host.Http;

/// <summary>
/// The shape of the <c>Authorization</c> header, checked before any key lookup: present at most once, and when it
/// says <c>Bearer</c>, followed by one key without whitespace or control characters. Anything else is a 401 that
/// names the problem (never the header's value).
/// </summary>
internal static class AuthorizationHeaderCheck
{
    private const string Scheme = "Bearer ";

    public static GatewayError? Check(StringValues authorization)
    {
        if (authorization.Count > 1)
        {
            return GatewayError.MalformedAuthorization("the header is sent more than once");
        }

        var value = authorization.ToString();
        if (value.Length == 0)
        {
            return null;
        }

        if (value.Any(char.IsControl))
        {
            return GatewayError.MalformedAuthorization("the header contains control characters");
        }

        if (value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var token = value.AsSpan(Scheme.Length).Trim();
            if (token.ContainsAny(' ', '\t'))
            {
                return GatewayError.MalformedAuthorization("it holds more than one key");
            }
        }

        return null;
    }
}
