using System.Text;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// Drops the whitespace between the tokens of JSON text that arrives piece by piece; everything else (strings,
/// escapes, number spelling) is copied as written. Fed valid JSON, it writes the same JSON without insignificant
/// whitespace, however the text is split.
/// </summary>
internal sealed class JsonWhitespaceStripper
{
    private bool _inString;
    private bool _escape;

    public void Reset() => _inString = _escape = false;

    public void Append(ReadOnlySpan<char> json, StringBuilder output)
    {
        var position = 0;
        while (position < json.Length)
        {
            var run = position;
            if (_inString)
            {
                while (position < json.Length && _inString)
                {
                    var c = json[position++];
                    if (_escape)
                    {
                        _escape = false;
                    }
                    else if (c == '\\')
                    {
                        _escape = true;
                    }
                    else if (c == '"')
                    {
                        _inString = false;
                    }
                }

                output.Append(json[run..position]);
                continue;
            }

            while (position < json.Length && !IsWhitespace(json[position]))
            {
                if (json[position++] == '"')
                {
                    _inString = true;
                    break;
                }
            }

            output.Append(json[run..position]);
            while (!_inString && position < json.Length && IsWhitespace(json[position]))
            {
                position++;
            }
        }
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r';
}
