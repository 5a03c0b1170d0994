using System.Buffers;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// Finds where a bracketed value ends: brackets matched, strings and escapes respected. In JSON mode the value
/// starts with <c>{</c> or <c>[</c> and characters outside strings are limited to what JSON allows (anything else
/// makes it <see cref="ScanStatus.Invalid"/> at once); in Python mode <c>(</c> nests too and strings use either quote,
/// tripled or not. The scan resumes where it stopped when asked again about the value at the same output offset,
/// so a long value arriving in small chunks is scanned once, not once per chunk.
/// </summary>
internal sealed class BracketScanner(bool python)
{
    private static readonly SearchValues<char> JsonStructural = SearchValues.Create("\"{}[]");
    private static readonly SearchValues<char> PythonStructural = SearchValues.Create("\"'{}[]()");

    private readonly List<char> _closers = [];
    private long _valueOrigin = -1;
    private int _offset;
    private char _quote;
    private bool _triple;
    private ScanStatus _status;
    private int _end;

    /// <summary>Scans the value at <paramref name="start"/> of <paramref name="text"/>, which starts at <paramref name="origin"/> in the output.</summary>
    public ScanStatus Scan(ReadOnlySpan<char> text, int start, long origin, out int end)
    {
        if (origin + start != _valueOrigin)
        {
            _valueOrigin = origin + start;
            _closers.Clear();
            _offset = 0;
            _quote = '\0';
            _triple = false;
            _status = ScanStatus.Incomplete;
        }

        if (_status == ScanStatus.Incomplete)
        {
            _status = Continue(text[start..], out _end);
        }

        end = _status == ScanStatus.Incomplete ? text.Length : start + _end;
        return _status;
    }

    private ScanStatus Continue(ReadOnlySpan<char> value, out int end)
    {
        var position = _offset;
        end = 0;
        try
        {
            while (position < value.Length)
            {
                if (_quote != '\0')
                {
                    var next = value[position..].IndexOfAny(_quote, '\\');
                    if (next < 0)
                    {
                        position = value.Length;
                        break;
                    }

                    position += next;
                    if (value[position] == '\\')
                    {
                        if (position + 1 >= value.Length)
                        {
                            break; // the escaped character has not arrived yet
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

                    if (position + 2 >= value.Length)
                    {
                        break;
                    }

                    if (value[position + 1] == _quote && value[position + 2] == _quote)
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

                var c = value[position];
                switch (c)
                {
                    case '{':
                        _closers.Add('}');
                        position++;
                        break;
                    case '[':
                        _closers.Add(']');
                        position++;
                        break;
                    case '(' when python:
                        _closers.Add(')');
                        position++;
                        break;
                    case '}' or ']':
                    case ')' when python:
                        if (_closers.Count == 0 || _closers[^1] != c)
                        {
                            end = position;
                            return ScanStatus.Invalid;
                        }

                        _closers.RemoveAt(_closers.Count - 1);
                        position++;
                        if (_closers.Count == 0)
                        {
                            end = position;
                            return ScanStatus.Complete;
                        }

                        break;
                    case '"':
                    case '\'' when python:
                        if (python)
                        {
                            if (position + 2 >= value.Length)
                            {
                                return ScanStatus.Incomplete; // '' or """ cannot be told apart yet
                            }

                            if (value[position + 1] == c)
                            {
                                if (value[position + 2] != c)
                                {
                                    position += 2; // empty string
                                    break;
                                }

                                _triple = true;
                                _quote = c;
                                position += 3;
                                break;
                            }
                        }

                        _triple = false;
                        _quote = c;
                        position++;
                        break;
                    default:
                        var run = value[position..];
                        var next = run.IndexOfAny(python ? PythonStructural : JsonStructural);
                        if (next > 0)
                        {
                            run = run[..next];
                        }

                        if (!python)
                        {
                            for (var i = 0; i < run.Length; i++)
                            {
                                if (!IsAllowedOutsideJsonString(run[i]))
                                {
                                    end = position + i;
                                    return ScanStatus.Invalid;
                                }
                            }
                        }

                        position += next < 0 ? run.Length : Math.Max(next, 1);
                        break;
                }
            }

            return ScanStatus.Incomplete;
        }
        finally
        {
            _offset = position;
        }
    }

    private static bool IsAllowedOutsideJsonString(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\r' or ',' or ':' or '-' or '+' or '.' => true,
        >= '0' and <= '9' => true,
        'e' or 'E' or 't' or 'r' or 'u' or 'f' or 'a' or 'l' or 's' or 'n' => true,
        _ => false,
    };
}
