using System.Buffers;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// A strict, resumable JSON scanner for one object that is still arriving. It validates as it goes (anything that
/// no continuation could make valid JSON is <see cref="ScanStatus.Invalid"/> at once), so the text before
/// <see cref="Scanned"/> is always a prefix of valid JSON and may be sent on. In call mode it also notes where the
/// top-level <c>"name"</c> string and the <c>"arguments"</c> (or <c>"parameters"</c>) value are. Asked again about
/// the object at the same output offset, it resumes where it stopped, so a value arriving in small chunks is
/// scanned once. All offsets are relative to the object's <c>{</c>.
/// </summary>
internal sealed class JsonCallReader(bool callObject)
{
    private static readonly SearchValues<char> StringSpecial = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"
        + "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly List<char> _containers = [];
    private long _valueOrigin = -1;
    private State _state;
    private NumberState _number;
    private string _literal = string.Empty;
    private int _literalIndex;
    private int _hexLeft;
    private bool _escape;
    private bool _stringIsKey;
    private int _keyStart;
    private Role _role;
    private ScanStatus _status;
    private int _end;

    private enum State
    {
        Start,
        Value,
        FirstValueOrEnd,
        FirstKeyOrEnd,
        Key,
        Colon,
        AfterValue,
        String,
        Number,
        Literal,
    }

    private enum NumberState
    {
        Minus,
        Zero,
        Integer,
        Dot,
        Fraction,
        Exponent,
        ExponentSign,
        ExponentDigits,
    }

    private enum Role
    {
        None,
        Name,
        Arguments,
    }

    /// <summary>How far the text has been read and found to be a valid JSON prefix.</summary>
    public int Scanned { get; private set; }

    /// <summary>Offset of the <c>name</c> value (call mode), or -1.</summary>
    public int NameStart { get; private set; } = -1;

    /// <summary>Offset just past the <c>name</c> value once it is complete, or -1.</summary>
    public int NameEnd { get; private set; } = -1;

    /// <summary>Offset of the arguments value (call mode; the object itself otherwise), or -1.</summary>
    public int ArgumentsStart { get; private set; } = -1;

    /// <summary>Offset just past the arguments value once it is complete, or -1.</summary>
    public int ArgumentsEnd { get; private set; } = -1;

    /// <summary>Scans the object at <paramref name="start"/> of <paramref name="text"/>, which starts at <paramref name="origin"/> in the output.</summary>
    public ScanStatus Scan(ReadOnlySpan<char> text, int start, long origin, out int end)
    {
        if (origin + start != _valueOrigin)
        {
            Reset(origin + start);
        }

        if (_status == ScanStatus.Incomplete)
        {
            _status = Continue(text[start..]);
        }

        end = _status == ScanStatus.Incomplete ? text.Length : start + _end;
        return _status;
    }

    private void Reset(long valueOrigin)
    {
        _valueOrigin = valueOrigin;
        _containers.Clear();
        _state = State.Start;
        _status = ScanStatus.Incomplete;
        _escape = false;
        _hexLeft = 0;
        _role = Role.None;
        Scanned = 0;
        NameStart = NameEnd = ArgumentsStart = ArgumentsEnd = -1;
        if (!callObject)
        {
            ArgumentsStart = 0;
        }
    }

    private ScanStatus Continue(ReadOnlySpan<char> value)
    {
        var position = Scanned;
        try
        {
            while (position < value.Length)
            {
                var c = value[position];
                switch (_state)
                {
                    case State.String:
                        if (!ReadString(value, ref position))
                        {
                            _end = position;
                            return ScanStatus.Invalid;
                        }

                        continue;
                    case State.Number:
                        if (ReadNumber(c))
                        {
                            position++;
                            continue;
                        }

                        if (_number is NumberState.Minus or NumberState.Dot or NumberState.Exponent or NumberState.ExponentSign)
                        {
                            _end = position;
                            return ScanStatus.Invalid;
                        }

                        ValueCompleted(position);
                        continue; // the character after the number is read as such
                    case State.Literal:
                        if (c != _literal[_literalIndex])
                        {
                            _end = position;
                            return ScanStatus.Invalid;
                        }

                        position++;
                        if (++_literalIndex == _literal.Length)
                        {
                            ValueCompleted(position);
                        }

                        continue;
                }

                if (c is ' ' or '\t' or '\n' or '\r' && _state != State.Start)
                {
                    position++;
                    continue;
                }

                if (!Structural(c, position))
                {
                    _end = position;
                    return ScanStatus.Invalid;
                }

                position++;
                if (_containers.Count == 0)
                {
                    _end = position;
                    return ScanStatus.Complete;
                }
            }

            return ScanStatus.Incomplete;
        }
        finally
        {
            Scanned = position;
        }
    }

    /// <summary>A character outside strings, numbers and literals; false when it cannot be there.</summary>
    private bool Structural(char c, int position)
    {
        switch (_state)
        {
            case State.Start:
                if (c != '{')
                {
                    return false;
                }

                _containers.Add('}');
                _state = State.FirstKeyOrEnd;
                return true;
            case State.FirstKeyOrEnd or State.Key:
                if (c == '"')
                {
                    _stringIsKey = true;
                    _keyStart = position;
                    _state = State.String;
                    return true;
                }

                return c == '}' && _state == State.FirstKeyOrEnd && Close('}', position);
            case State.Colon:
                if (c != ':')
                {
                    return false;
                }

                _state = State.Value;
                return true;
            case State.AfterValue:
                if (c == ',')
                {
                    _state = _containers[^1] == '}' ? State.Key : State.Value;
                    return true;
                }

                return (c == '}' || c == ']') && Close(c, position);
            case State.FirstValueOrEnd when c == ']':
                return Close(']', position);
            default:
                return StartValue(c, position);
        }
    }

    private bool StartValue(char c, int position)
    {
        if (_containers.Count == 1 && _role != Role.None)
        {
            if (_role == Role.Name)
            {
                NameStart = position;
            }
            else
            {
                ArgumentsStart = position;
            }
        }

        switch (c)
        {
            case '{':
                _containers.Add('}');
                _state = State.FirstKeyOrEnd;
                return true;
            case '[':
                _containers.Add(']');
                _state = State.FirstValueOrEnd;
                return true;
            case '"':
                _stringIsKey = false;
                _state = State.String;
                return true;
            case '-':
                _number = NumberState.Minus;
                _state = State.Number;
                return true;
            case >= '0' and <= '9':
                _number = c == '0' ? NumberState.Zero : NumberState.Integer;
                _state = State.Number;
                return true;
            case 't' or 'f' or 'n':
                _literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                _literalIndex = 1;
                _state = State.Literal;
                return true;
            default:
                return false;
        }
    }

    private bool Close(char c, int position)
    {
        if (c != _containers[^1])
        {
            return false;
        }

        _containers.RemoveAt(_containers.Count - 1);
        if (_containers.Count > 0)
        {
            ValueCompleted(position + 1);
        }

        return true;
    }

    /// <summary>A value ended just before <paramref name="end"/>; notes the end of the name or the arguments.</summary>
    private void ValueCompleted(int end)
    {
        _state = State.AfterValue;
        if (_containers.Count == 1 && _role != Role.None)
        {
            if (_role == Role.Name)
            {
                NameEnd = end;
            }
            else
            {
                ArgumentsEnd = end;
            }

            _role = Role.None;
        }
    }

    /// <summary>Reads string characters from <paramref name="position"/>; false when one is not allowed.</summary>
    private bool ReadString(ReadOnlySpan<char> value, ref int position)
    {
        while (position < value.Length)
        {
            if (_hexLeft > 0)
            {
                if (!char.IsAsciiHexDigit(value[position]))
                {
                    return false;
                }

                _hexLeft--;
                position++;
                continue;
            }

            if (_escape)
            {
                _escape = false;
                switch (value[position])
                {
                    case '"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't':
                        break;
                    case 'u':
                        _hexLeft = 4;
                        break;
                    default:
                        return false;
                }

                position++;
                continue;
            }

            var next = value[position..].IndexOfAny(StringSpecial);
            if (next < 0)
            {
                position = value.Length;
                return true;
            }

            position += next;
            switch (value[position])
            {
                case '\\':
                    _escape = true;
                    position++;
                    continue;
                case '"':
                    position++;
                    if (_stringIsKey)
                    {
                        KeyCompleted(value[(_keyStart + 1)..(position - 1)]);
                    }
                    else
                    {
                        ValueCompleted(position);
                    }

                    return true;
                default:
                    return false; // a raw control character
            }
        }

        return true;
    }

    private void KeyCompleted(ReadOnlySpan<char> key)
    {
        _state = State.Colon;
        if (!callObject || _containers.Count != 1)
        {
            return;
        }

        _role = Role.None;
        if (key.SequenceEqual("name") && NameStart < 0)
        {
            _role = Role.Name;
        }
        else if ((key.SequenceEqual("arguments") || key.SequenceEqual("parameters")) && ArgumentsStart < 0)
        {
            _role = Role.Arguments;
        }
    }

    /// <summary>Advances the number state by <paramref name="c"/>; false when the number cannot go on with it.</summary>
    private bool ReadNumber(char c)
    {
        var digit = c is >= '0' and <= '9';
        NumberState? next = _number switch
        {
            NumberState.Minus => digit ? (c == '0' ? NumberState.Zero : NumberState.Integer) : null,
            NumberState.Zero => c == '.' ? NumberState.Dot : c is 'e' or 'E' ? NumberState.Exponent : null,
            NumberState.Integer => digit ? NumberState.Integer : c == '.' ? NumberState.Dot : c is 'e' or 'E' ? NumberState.Exponent : null,
            NumberState.Dot => digit ? NumberState.Fraction : null,
            NumberState.Fraction => digit ? NumberState.Fraction : c is 'e' or 'E' ? NumberState.Exponent : null,
            NumberState.Exponent => digit ? NumberState.ExponentDigits : c is '+' or '-' ? NumberState.ExponentSign : null,
            NumberState.ExponentSign or NumberState.ExponentDigits => digit ? NumberState.ExponentDigits : null,
            _ => null,
        };

        if (next is null)
        {
            return false;
        }

        _number = next.Value;
        return true;
    }
}
