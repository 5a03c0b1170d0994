using System.Text;

namespace Gateway.Host.Configuration;

/// <summary>
/// Reads a <c>.env</c> file the way python-dotenv (and so pydantic-settings) did, for the common cases:
/// <c>KEY=VALUE</c> lines, <c>#</c> comment lines, an optional <c>export</c> prefix, single- or double-quoted values
/// (double quotes understand <c>\n \t \" \\</c>), and <c> # comment</c> after an unquoted value.
/// Lines without <c>=</c> are ignored. Multi-line quoted values are not supported.
/// </summary>
internal static class DotEnvFile
{
    /// <summary>The entries of <paramref name="path"/>, or an empty map when the file does not exist.</summary>
    /// <exception cref="ConfigurationException">The file exists but cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        if (!File.Exists(path))
        {
            return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        }

        try
        {
            return Parse(File.ReadAllLines(path, Encoding.UTF8));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"The .env file '{path}' could not be read: {ex.Message}", ex);
        }
    }

    /// <summary>Parses the lines of a .env file; later lines win; names are case-insensitive.</summary>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("export\t", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var name = line[..eq].Trim();
            if (name.Length == 0)
            {
                continue;
            }

            result[name] = ParseValue(line[(eq + 1)..].Trim());
        }

        return result;
    }

    private static string ParseValue(string value)
    {
        if (value.Length == 0)
        {
            return "";
        }

        var quote = value[0];
        if (quote == '\'')
        {
            var close = value.IndexOf('\'', 1);
            return close < 0 ? value : value[1..close];
        }

        if (quote == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < value.Length; i++)
            {
                var c = value[i];
                if (c == '"')
                {
                    return sb.ToString();
                }

                if (c == '\\' && i + 1 < value.Length)
                {
                    i++;
                    switch (value[i])
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case 'r': sb.Append('\r'); break;
                        case '"' or '\\': sb.Append(value[i]); break;
                        default: sb.Append('\\').Append(value[i]); break;
                    }

                    continue;
                }

                sb.Append(c);
            }

            return value; // no closing quote: keep the text as written
        }

        // Unquoted: whitespace followed by '#' starts a comment.
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] == '#' && char.IsWhiteSpace(value[i - 1]))
            {
                return value[..i].TrimEnd();
            }
        }

        return value;
    }
}
