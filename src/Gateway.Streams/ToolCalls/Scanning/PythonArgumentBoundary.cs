namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// Finds the first <c>,</c> or closing bracket outside Python strings and at nesting depth 0 after a call argument's
/// start: the earliest point where that argument can be complete. Resumes where it stopped when asked again about
/// the argument at the same output offset, so a long argument arriving in small chunks is scanned once.
/// </summary>
internal sealed class PythonArgumentBoundary
{
    private long _origin = -1;
    private int _offset;
    private char _quote;
    private bool _triple;
    private int _depth;
    private bool _found;

    /// <summary>Whether the text after <paramref name="start"/> (at <paramref name="origin"/> in the output) reaches the boundary.</summary>
    public bool Reached(ReadOnlySpan<char> text, int start, long origin)
    {
        if (origin + start != _origin)
        {
            _origin = origin + start;
            _offset = _depth = 0;
            _quote = '\0';
            _triple = _found = false;
        }

        if (!_found)
        {
            _found = Scan(text[start..]);
        }

        return _found;
    }

    private bool Scan(ReadOnlySpan<char> argument)
    {
        var position = _offset;
        try
        {
            while (position < argument.Length)
            {
                if (_quote != '\0')
                {
                    var next = argument[position..].IndexOfAny(_quote, '\\');
                    if (next < 0)
                    {
                        position = argument.Length;
                        break;
                    }

                    position += next;
                    if (argument[position] == '\\')
                    {
                        if (position + 1 >= argument.Length)
                        {
                            break;
                        }

                        position += 2;
                        continue;
                    }

                    if (!_triple)
                    {
                        _quote = '\0';
                        position++;
                        continue;
                    }

                    if (position + 2 >= argument.Length)
                    {
                        break;
                    }

                    if (argument[position + 1] == _quote && argument[position + 2] == _quote)
                    {
                        _quote = '\0';
                        position += 3;
                    }
                    else
                    {
                        position++;
                    }

                    continue;
                }

                var c = argument[position];
                switch (c)
                {
                    case '"' or '\'':
                        if (position + 2 >= argument.Length)
                        {
                            return false; // '' or ''' cannot be told apart yet
                        }

                        if (argument[position + 1] == c)
                        {
                            _triple = argument[position + 2] == c;
                            _quote = _triple ? c : '\0';
                            position += _triple ? 3 : 2;
                            break;
                        }

                        _triple = false;
                        _quote = c;
                        position++;
                        break;
                    case '(' or '[' or '{':
                        _depth++;
                        position++;
                        break;
                    case ')' or ']' or '}' or ',' when _depth == 0:
                        return true;
                    case ')' or ']' or '}':
                        _depth--;
                        position++;
                        break;
                    default:
                        position++;
                        break;
                }
            }

            return false;
        }
        finally
        {
            _offset = position;
        }
    }
}
