using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// Writes JSON strings the way vLLM's Python stack does (pydantic / <c>json.dumps(ensure_ascii=False)</c>): only
/// <c>"</c>, <c>\</c> and control characters are escaped; everything else, emoji included, is raw UTF-8.
/// System.Text.Json's encoders always escape characters outside the BMP, so string values go through here.
/// </summary>
internal static class PyJson
{
    /// <summary>Compact output; strings are validated by <see cref="Encode"/> instead of the writer.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private const int StackLimit = 512;

    public static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, ReadOnlySpan<char> value)
    {
        writer.WritePropertyName(name);
        WriteStringValue(writer, value);
    }

    public static void WriteStringValue(Utf8JsonWriter writer, ReadOnlySpan<char> value)
    {
        var max = MaxEncodedLength(value.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = 0;
            buffer[length++] = (byte)'"';
            length += Encode(value, buffer[length..]);
            buffer[length++] = (byte)'"';
            writer.WriteRawValue(buffer[..length], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Writes the concatenation of <paramref name="pieces"/> and <paramref name="tail"/> as one JSON string.</summary>
    public static void WriteConcatenatedStringValue(Utf8JsonWriter writer, ReadOnlyMemory<char>[] pieces, ReadOnlyMemory<char> tail)
    {
        var chars = tail.Length;
        foreach (var piece in pieces)
        {
            chars += piece.Length;
        }

        var max = MaxEncodedLength(chars);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = 0;
            buffer[length++] = (byte)'"';
            foreach (var piece in pieces)
            {
                length += Encode(piece.Span, buffer[length..]);
            }

            length += Encode(tail.Span, buffer[length..]);
            buffer[length++] = (byte)'"';
            writer.WriteRawValue(buffer[..length], skipInputValidation: true);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Appends a quoted JSON string to <paramref name="sb"/> as Python's <c>json.dumps</c> with its default
    /// <c>ensure_ascii=True</c> would (non-ASCII as lowercase <c>\uXXXX</c>).
    /// </summary>
    public static void AppendAsciiQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                default:
                    if (c is < ' ' or > '~')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Worst case: every UTF-16 unit becomes a 6-byte <c>\u00XX</c> escape; plus two quotes.</summary>
    private static int MaxEncodedLength(int chars) => (chars * 6) + 2;

    /// <summary>Escapes <paramref name="value"/> (without quotes) into <paramref name="destination"/>; returns the bytes written.</summary>
    private static int Encode(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var written = 0;
        var runStart = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c >= ' ' && c != '"' && c != '\\')
            {
                continue;
            }

            // Escapes only ever happen at ASCII characters, so a run never ends inside a surrogate pair.
            written += Encoding.UTF8.GetBytes(value[runStart..i], destination[written..]);
            written += Escape(c, destination[written..]);
            runStart = i + 1;
        }

        written += Encoding.UTF8.GetBytes(value[runStart..], destination[written..]);
        return written;
    }

    private static int Escape(char c, Span<byte> destination)
    {
        destination[0] = (byte)'\\';
        var shortForm = c switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            _ => (byte)0,
        };
        if (shortForm != 0)
        {
            destination[1] = shortForm;
            return 2;
        }

        const string hex = "0123456789abcdef";
        destination[1] = (byte)'u';
        destination[2] = (byte)hex[(c >> 12) & 0xF];
        destination[3] = (byte)hex[(c >> 8) & 0xF];
        destination[4] = (byte)hex[(c >> 4) & 0xF];
        destination[5] = (byte)hex[c & 0xF];
        return 6;
    }
}
