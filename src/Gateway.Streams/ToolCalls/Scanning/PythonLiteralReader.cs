using System.Globalization;
using System.Numerics;
using System.Text;

namespace Gateway.Streams.ToolCalls.Scanning;

/// <summary>
/// Reads Python literal syntax (strings in either quote style with escapes, ints, floats, True/False/None, lists,
/// dicts) and keyword-argument call lists <c>[f(a=1), g()]</c>, writing the values as JSON. Reports whether the
/// text is incomplete (it may still become valid) or invalid.
/// </summary>
internal ref struct PythonLiteralReader
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public PythonLiteralReader(ReadOnlySpan<char> text, int position)
    {
        _text = text;
        _position = position;
    }

    public readonly int Position => _position;

    /// <summary>True once the reader saw <c>name(</c>: the text looked like a call list.</summary>
    public bool SawCall { get; private set; }

    /// <summary>Reads <c>name(</c> (whitespace allowed around the name); <see cref="Position"/> is then just past the parenthesis.</summary>
    public ScanStatus ReadCallStart(out string name)
    {
        name = string.Empty;
        var status = SkipWhitespace();
        if (status == ScanStatus.Complete)
        {
            status = ReadIdentifier(out name);
        }

        if (status == ScanStatus.Complete)
        {
            status = SkipWhitespace();
        }

        if (status != ScanStatus.Complete)
        {
            return status;
        }

        if (_text[_position] != '(')
        {
            return ScanStatus.Invalid;
        }

        SawCall = true;
        _position++;
        return ScanStatus.Complete;
    }

    /// <summary>
    /// Reads the next keyword argument of a call, <c>key=value</c>, written as <c>"key":value</c>, and the <c>,</c> or
    /// <c>)</c> after it; <paramref name="key"/> is null when the call closes with no argument here. A positional
    /// argument is invalid.
    /// </summary>
    public ScanStatus ReadKeywordArgument(CompactJsonWriter writer, out string? key, out bool closed)
    {
        key = null;
        closed = false;
        var status = SkipWhitespace();
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        if (TryClose(')'))
        {
            closed = true;
            return ScanStatus.Complete;
        }

        status = ReadIdentifier(out var name);
        if (status == ScanStatus.Complete)
        {
            status = SkipWhitespace();
        }

        if (status != ScanStatus.Complete)
        {
            return status;
        }

        if (_text[_position] != '=')
        {
            return ScanStatus.Invalid;
        }

        _position++;
        status = SkipWhitespace();
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        writer.WritePropertyName(name);
        status = ReadValue(writer);
        if (status == ScanStatus.Complete)
        {
            status = ReadSeparator(')', out closed);
        }

        key = name;
        return status;
    }

    /// <summary>After a call in a call list: <c>,</c> before the next call, or the closing <c>]</c> (<paramref name="closed"/>).</summary>
    public ScanStatus ReadListSeparator(out bool closed) => ReadSeparator(']', out closed);

    /// <summary>Reads one whole literal (the entire remaining text, surrounding whitespace allowed) as JSON.</summary>
    public ScanStatus ReadWholeLiteral(CompactJsonWriter writer)
    {
        var status = SkipWhitespace();
        if (status != ScanStatus.Complete)
        {
            return ScanStatus.Invalid;
        }

        status = ReadValue(writer);
        if (status != ScanStatus.Complete)
        {
            return ScanStatus.Invalid;
        }

        return SkipWhitespace() == ScanStatus.Incomplete ? ScanStatus.Complete : ScanStatus.Invalid; // nothing after the value
    }

    /// <summary>After an element: whitespace, then <c>,</c> (optionally followed by the closer) or the closer.</summary>
    private ScanStatus ReadSeparator(char closer, out bool closed)
    {
        closed = false;
        var status = SkipWhitespace();
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        if (TryClose(closer))
        {
            closed = true;
            return ScanStatus.Complete;
        }

        if (_text[_position] != ',')
        {
            return ScanStatus.Invalid;
        }

        _position++;
        status = SkipWhitespace();
        if (status == ScanStatus.Complete)
        {
            closed = TryClose(closer);
        }

        return status;
    }

    /// <summary>Passes the opener at the current position and the whitespace after it; <paramref name="closed"/> when the closer follows at once.</summary>
    private ScanStatus Open(char closer, out bool closed)
    {
        _position++;
        var status = SkipWhitespace();
        closed = status == ScanStatus.Complete && TryClose(closer);
        return status;
    }

    private bool TryClose(char closer)
    {
        if (_text[_position] != closer)
        {
            return false;
        }

        _position++;
        return true;
    }

    private ScanStatus ReadValue(CompactJsonWriter writer)
    {
        var c = _text[_position];
        switch (c)
        {
            case '\'' or '"':
                return ReadStringValue(writer, raw: false);
            case '[':
                return ReadList(writer);
            case '{':
                return ReadDict(writer);
            case '-' or '+' or '.' or (>= '0' and <= '9'):
            {
                var status = ReadNumber(out var number);
                if (status == ScanStatus.Complete)
                {
                    writer.WriteRawValue(number);
                }

                return status;
            }
        }

        if (!IsIdentifierStart(c))
        {
            return ScanStatus.Invalid;
        }

        if (c is 'r' or 'R' or 'u' or 'U')
        {
            if (_position + 1 == _text.Length)
            {
                return ScanStatus.Incomplete;
            }

            if (_text[_position + 1] is '\'' or '"')
            {
                _position++;
                return ReadStringValue(writer, raw: c is 'r' or 'R');
            }
        }

        var word = ReadIdentifier(out var identifier);
        if (word != ScanStatus.Complete)
        {
            return word;
        }

        switch (identifier)
        {
            case "True":
                writer.WriteBooleanValue(true);
                return ScanStatus.Complete;
            case "False":
                writer.WriteBooleanValue(false);
                return ScanStatus.Complete;
            case "None":
                writer.WriteNullValue();
                return ScanStatus.Complete;
            default:
                return ScanStatus.Invalid; // a variable, a nested call, …: not a literal
        }
    }

    private ScanStatus ReadStringValue(CompactJsonWriter writer, bool raw)
    {
        var status = ReadString(raw, out var value);
        if (status == ScanStatus.Complete)
        {
            writer.WriteStringValue(value);
        }

        return status;
    }

    private ScanStatus ReadList(CompactJsonWriter writer)
    {
        writer.WriteStartArray();
        var status = Open(']', out var closed);
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        while (!closed)
        {
            status = ReadValue(writer);
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            status = ReadSeparator(']', out closed);
            if (status != ScanStatus.Complete)
            {
                return status;
            }
        }

        writer.WriteEndArray();
        return ScanStatus.Complete;
    }

    /// <summary>
    /// Reads the entries of a dict (<c>{key: value, …}</c>) or of a call's keyword arguments (<c>(name=value, …)</c>,
    /// each name once) from the opener at the current position, as a JSON object.
    /// </summary>
    private ScanStatus ReadDict(CompactJsonWriter writer)
    {
        const char closer = '}';
        writer.WriteStartObject();
        var status = Open(closer, out var closed);
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        while (!closed)
        {
            status = ReadKey(out var key);
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            status = SkipWhitespace();
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            if (_text[_position] != ':')
            {
                return ScanStatus.Invalid; // a set, or not a dict at all
            }

            _position++;
            status = SkipWhitespace();
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            writer.WritePropertyName(key);
            status = ReadValue(writer);
            if (status != ScanStatus.Complete)
            {
                return status;
            }

            status = ReadSeparator(closer, out closed);
            if (status != ScanStatus.Complete)
            {
                return status;
            }
        }

        writer.WriteEndObject();
        return ScanStatus.Complete;
    }

    private ScanStatus ReadKey(out string key)
    {
        key = string.Empty;
        var c = _text[_position];
        if (c is '\'' or '"')
        {
            return ReadString(raw: false, out key);
        }

        if (c is '-' or '+' or '.' or (>= '0' and <= '9'))
        {
            return ReadNumber(out key);
        }

        if (!IsIdentifierStart(c))
        {
            return ScanStatus.Invalid;
        }

        var status = ReadIdentifier(out var identifier);
        if (status != ScanStatus.Complete)
        {
            return status;
        }

        // json.dumps turns these keys into "true", "false", "null".
        key = identifier switch
        {
            "True" => "true",
            "False" => "false",
            "None" => "null",
            _ => string.Empty,
        };
        return key.Length == 0 ? ScanStatus.Invalid : ScanStatus.Complete;
    }

    private ScanStatus ReadString(bool raw, out string value)
    {
        value = string.Empty;
        var quote = _text[_position];
        var triple = false;
        if (_position + 2 >= _text.Length)
        {
            // Too short to tell '' (empty) from ''' (triple-quoted) unless the second character settles it.
            if (_position + 1 < _text.Length && _text[_position + 1] != quote)
            {
                // fall through: an ordinary string that has started
            }
            else
            {
                return ScanStatus.Incomplete;
            }
        }
        else if (_text[_position + 1] == quote)
        {
            if (_text[_position + 2] != quote)
            {
                _position += 2;
                return ScanStatus.Complete; // empty string
            }

            triple = true;
        }

        _position += triple ? 3 : 1;
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                return ScanStatus.Incomplete;
            }

            var c = _text[_position];
            if (c == quote)
            {
                if (!triple)
                {
                    _position++;
                    break;
                }

                if (_position + 2 >= _text.Length)
                {
                    if (_position + 1 < _text.Length && _text[_position + 1] != quote)
                    {
                        builder.Append(c);
                        _position++;
                        continue;
                    }

                    return ScanStatus.Incomplete;
                }

                if (_text[_position + 1] == quote && _text[_position + 2] == quote)
                {
                    _position += 3;
                    break;
                }

                builder.Append(c);
                _position++;
                continue;
            }

            if (c is '\n' or '\r' && !triple)
            {
                return ScanStatus.Invalid;
            }

            if (c != '\\')
            {
                builder.Append(c);
                _position++;
                continue;
            }

            if (_position + 1 >= _text.Length)
            {
                return ScanStatus.Incomplete;
            }

            var escaped = _text[_position + 1];
            if (raw)
            {
                builder.Append(c).Append(escaped);
                _position += 2;
                continue;
            }

            var status = ReadEscape(escaped, builder);
            if (status != ScanStatus.Complete)
            {
                return status;
            }
        }

        value = builder.ToString();
        return HasLoneSurrogate(value) ? ScanStatus.Invalid : ScanStatus.Complete;
    }

    /// <summary>Decodes the escape whose backslash is at the current position.</summary>
    private ScanStatus ReadEscape(char escaped, StringBuilder builder)
    {
        _position += 2;
        switch (escaped)
        {
            case '\n':
                return ScanStatus.Complete; // line continuation
            case '\\' or '\'' or '"' or 'n' or 't' or 'r' or 'a' or 'b' or 'f' or 'v':
                builder.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'a' => '\a',
                    'b' => '\b',
                    'f' => '\f',
                    'v' => '\v',
                    _ => escaped, // a backslash or a quote stands for itself
                });
                return ScanStatus.Complete;
            case >= '0' and <= '7':
            {
                var value = escaped - '0';
                for (var i = 0; i < 2; i++)
                {
                    if (_position >= _text.Length)
                    {
                        return ScanStatus.Incomplete;
                    }

                    if (_text[_position] is not (>= '0' and <= '7'))
                    {
                        break;
                    }

                    value = (value * 8) + (_text[_position++] - '0');
                }

                builder.Append((char)value);
                return ScanStatus.Complete;
            }

            case 'x':
                return ReadHexEscape(2, builder);
            case 'u':
                return ReadHexEscape(4, builder);
            case 'U':
                return ReadHexEscape(8, builder);
            case 'N':
                return ScanStatus.Invalid; // \N{NAME} is not supported
            default:
                builder.Append('\\').Append(escaped); // Python keeps unknown escapes as written
                return ScanStatus.Complete;
        }
    }

    private ScanStatus ReadHexEscape(int digits, StringBuilder builder)
    {
        if (_position + digits > _text.Length)
        {
            for (var i = _position; i < _text.Length; i++)
            {
                if (!char.IsAsciiHexDigit(_text[i]))
                {
                    return ScanStatus.Invalid;
                }
            }

            return ScanStatus.Incomplete;
        }

        if (!int.TryParse(_text.Slice(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)
            || code < 0 || code > 0x10FFFF)
        {
            return ScanStatus.Invalid;
        }

        _position += digits;
        if (code <= 0xFFFF)
        {
            builder.Append((char)code);
        }
        else
        {
            builder.Append(char.ConvertFromUtf32(code));
        }

        return ScanStatus.Complete;
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a Python int or float literal (optionally signed) and writes it as a JSON number text.</summary>
    private ScanStatus ReadNumber(out string json)
    {
        json = string.Empty;
        var negative = false;
        if (_text[_position] is '-' or '+')
        {
            negative = _text[_position] == '-';
            _position++;
            var status = SkipWhitespace();
            if (status != ScanStatus.Complete)
            {
                return status;
            }
        }

        var start = _position;
        while (_position < _text.Length && (char.IsAsciiLetterOrDigit(_text[_position]) || _text[_position] is '_' or '.'
            || (_text[_position] is '+' or '-' && _text[_position - 1] is 'e' or 'E' && !IsPrefixed(start))))
        {
            _position++;
        }

        if (_position == _text.Length)
        {
            return ScanStatus.Incomplete; // more digits may follow
        }

        var literal = _text[start.._position].ToString().Replace("_", string.Empty, StringComparison.Ordinal);
        if (literal.Length == 0)
        {
            return ScanStatus.Invalid;
        }

        var sign = negative ? "-" : string.Empty;
        if (IsPrefixed(start))
        {
            var radix = char.ToLowerInvariant(literal[1]) switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 0 };
            if (radix == 0 || literal.Length < 3)
            {
                return ScanStatus.Invalid;
            }

            var value = BigInteger.Zero;
            foreach (var digit in literal.AsSpan(2))
            {
                var d = char.IsAsciiDigit(digit) ? digit - '0' : char.IsAsciiHexDigit(digit) ? char.ToLowerInvariant(digit) - 'a' + 10 : 99;
                if (d >= radix)
                {
                    return ScanStatus.Invalid;
                }

                value = (value * radix) + d;
            }

            json = sign + value.ToString(CultureInfo.InvariantCulture);
            return ScanStatus.Complete;
        }

        var exponentAt = literal.IndexOfAny(['e', 'E']);
        var mantissa = exponentAt < 0 ? literal : literal[..exponentAt];
        var exponent = exponentAt < 0 ? null : literal[(exponentAt + 1)..];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? null : mantissa[(dot + 1)..];
        if ((integerPart.Length == 0 && string.IsNullOrEmpty(fraction))
            || !IsDigits(integerPart) || (fraction is not null && !IsDigits(fraction)))
        {
            return ScanStatus.Invalid;
        }

        if (exponent is not null)
        {
            var digits = exponent.StartsWith('+') || exponent.StartsWith('-') ? exponent[1..] : exponent;
            if (digits.Length == 0 || !IsDigits(digits))
            {
                return ScanStatus.Invalid;
            }
        }

        integerPart = integerPart.TrimStart('0');
        var builder = new StringBuilder(sign).Append(integerPart.Length == 0 ? "0" : integerPart);
        if (fraction is not null)
        {
            builder.Append('.').Append(fraction.Length == 0 ? "0" : fraction);
        }

        if (exponent is not null)
        {
            builder.Append('e').Append(exponent);
        }

        json = builder.ToString();
        return ScanStatus.Complete;
    }

    private readonly bool IsPrefixed(int start) =>
        start + 1 < _text.Length && _text[start] == '0' && _text[start + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B';

    private static bool IsDigits(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private ScanStatus ReadIdentifier(out string identifier)
    {
        identifier = string.Empty;
        if (_position >= _text.Length)
        {
            return ScanStatus.Incomplete;
        }

        if (!IsIdentifierStart(_text[_position]))
        {
            return ScanStatus.Invalid;
        }

        var start = _position;
        while (_position < _text.Length && IsIdentifierPart(_text[_position]))
        {
            _position++;
        }

        if (_position == _text.Length)
        {
            return ScanStatus.Incomplete; // the name may go on
        }

        identifier = _text[start.._position].ToString();
        return ScanStatus.Complete;
    }

    private ScanStatus SkipWhitespace()
    {
        _position = Markers.SkipWhitespace(_text, _position);
        return _position < _text.Length ? ScanStatus.Complete : ScanStatus.Incomplete;
    }

    private static bool IsIdentifierStart(char c) => c == '_' || char.IsLetter(c);

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);
}
