using System.Text.RegularExpressions;

namespace Gateway.Host.Observability;

/// <summary>
/// The one place that decides what a secret looks like in log text: names like authorization, bearer, api_key,
/// api-key, token, secret, password (as a property name, a header, a JSON field or <c>name=value</c>), a
/// <c>Bearer …</c> credential anywhere, and the configured key secrets themselves. <c>prompt_tokens</c>-style
/// counts are not secrets: a name is sensitive when it ends in <c>token</c>, not <c>tokens</c>. A config reload adds
/// the new key secrets (<see cref="Remember"/>); secrets of removed keys stay masked.
/// </summary>
internal sealed partial class SecretRedactor(IEnumerable<string> knownSecrets)
{
    public const string Mask = "***";

    private readonly Lock _gate = new();
    private volatile int _generation;
    private volatile string[] _secrets = [.. knownSecrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal)];

    /// <summary>The literal secrets a configuration holds: the bearer token and the keys' secrets.</summary>
    public static IEnumerable<string> SecretsOf(Configuration.AuthSettings auth)
    {
        if (!string.IsNullOrEmpty(auth.BearerToken))
        {
            yield return auth.BearerToken;
        }

        foreach (var key in auth.Keys)
        {
            if (!string.IsNullOrEmpty(key.Key))
            {
                yield return key.Key;
            }
        }
    }

    /// <summary>Moves whenever the set of literal secrets grows (so a cache of redacted text knows to start over).</summary>
    public int Generation => _generation;

    /// <summary>Masks <paramref name="secrets"/> from now on too (a reloaded key set); the ones already known stay.</summary>
    public void Remember(IEnumerable<string> secrets)
    {
        lock (_gate)
        {
            _secrets = [.. _secrets.Concat(secrets.Where(s => s.Length >= 4)).Distinct(StringComparer.Ordinal)];
            _generation++;
        }
    }

    /// <summary>True for a property, header or field name that holds a credential.</summary>
    public static bool IsSensitiveName(string name)
    {
        Span<char> buffer = stackalloc char[Math.Min(name.Length, 128)];
        var length = 0;
        foreach (var c in name.AsSpan(0, Math.Min(name.Length, 128)))
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        var n = buffer[..length];
        return n.EndsWith("token") || n.Contains("authorization", StringComparison.Ordinal) || n.Contains("bearer", StringComparison.Ordinal)
            || n.Contains("apikey", StringComparison.Ordinal) || n.Contains("secret", StringComparison.Ordinal) || n.Contains("password", StringComparison.Ordinal);
    }

    /// <summary>The text with every credential it carries masked (the same instance when there is none).</summary>
    public string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        var result = text;
        foreach (var secret in _secrets)
        {
            if (result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        if (!Hint().IsMatch(result))
        {
            return result;
        }

        result = BearerCredential().Replace(result, "Bearer " + Mask);
        result = JsonField().Replace(result, m => IsSensitiveName(m.Groups["name"].Value) ? $"{m.Groups["head"].Value}\"{Mask}\"" : m.Value);
        result = NameValue().Replace(result, m => IsSensitiveName(m.Groups["name"].Value) && m.Groups["value"].Value != Mask ? m.Groups["head"].Value + Mask : m.Value);

        // A replacement that changed nothing (prompt_tokens=12 is no secret) still made a new string: callers tell
        // "nothing to mask" by reference.
        return string.Equals(result, text, StringComparison.Ordinal) ? text : result;
    }

    [GeneratedRegex("authorization|bearer|api[_-]?key|token|secret|password", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Hint();

    [GeneratedRegex(@"\bbearer\s+(?!\*\*\*)[^\s""',;}\]]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerCredential();

    /// <summary>A JSON string field: <c>"api_key": "value"</c> (escaped quotes inside the value included).</summary>
    [GeneratedRegex(@"(?<head>""(?<name>[^""\\]{1,64})""\s*:\s*)""(?:[^""\\]|\\.)*""", RegexOptions.CultureInvariant)]
    private static partial Regex JsonField();

    /// <summary><c>name=value</c>, <c>name: value</c> (headers, query strings, Akka's formatted text).</summary>
    [GeneratedRegex(@"(?<head>\b(?<name>[A-Za-z][\w.-]{0,63})\s*[:=]\s*""?)(?<value>[^\s"",;&}\]]+)", RegexOptions.CultureInvariant)]
    private static partial Regex NameValue();
}
