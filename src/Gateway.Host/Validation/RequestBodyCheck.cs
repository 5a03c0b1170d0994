using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Validation;

/// <summary>
/// Turns a request body into a <see cref="JsonDocument"/> or the 400 it earns, in this order: the whole body must be
/// valid UTF-8 (<c>invalid_utf8</c>, also for bytes inside a JSON string), valid JSON (<c>invalid_json</c>; no comments,
/// no trailing commas, nothing after the value), nested at most <see cref="MaxDepth"/> objects/arrays deep
/// (<c>json_too_deep</c>), and free of <c>\u</c> escapes that leave a UTF-16 surrogate unpaired
/// (<c>invalid_unicode_escape</c>: <c>"\ud83d"</c> is no Unicode string, and vLLM's tokenizer would choke on it).
/// </summary>
internal static class RequestBodyCheck
{
    /// <summary>Objects and arrays open at once; chat requests with tools and JSON schemas stay well below.</summary>
    public const int MaxDepth = 64;

    public static GatewayError? TryParse(ReadOnlyMemory<byte> body, out JsonDocument? document)
    {
        document = null;
        var span = body.Span;
        if (!Utf8.IsValid(span))
        {
            return GatewayError.InvalidUtf8(FirstInvalidUtf8(span));
        }

        // The common body in one pass: without a \u escape it cannot hold a lone surrogate, and a document the parser
        // accepts at MaxDepth is not too deep. Anything the parser refuses is judged by the full check below, which
        // finds the same first fault (and message) as it always did.
        if (span.IndexOf("\\u"u8) < 0 && TryParseDocument(body) is { } parsed)
        {
            document = parsed;
            return null;
        }

        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray when reader.CurrentDepth + 1 > MaxDepth:
                        return GatewayError.TooDeep(MaxDepth);
                    case JsonTokenType.String or JsonTokenType.PropertyName when reader.ValueIsEscaped && HasLoneSurrogate(reader.ValueSpan):
                        return GatewayError.LoneSurrogate(reader.TokenStartIndex);
                }
            }
        }
        catch (JsonException e)
        {
            return GatewayError.InvalidJson($"The request body is not valid JSON: {e.Message}");
        }

        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return null;
        }
        catch (JsonException e)
        {
            return GatewayError.InvalidJson($"The request body is not valid JSON: {e.Message}");
        }
    }

    private static JsonDocument? TryParseDocument(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Walks the escapes of a raw (still escaped) JSON string: every high surrogate must be followed by a low one, and no low one may stand alone.</summary>
    internal static bool HasLoneSurrogate(ReadOnlySpan<byte> raw)
    {
        var pendingHigh = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\')
            {
                if (pendingHigh)
                {
                    return true;
                }

                continue;
            }

            if (i + 1 < raw.Length && raw[i + 1] == (byte)'u' && i + 5 < raw.Length && TryHex(raw.Slice(i + 2, 4), out var unit))
            {
                var isHigh = unit is >= 0xD800 and <= 0xDBFF;
                var isLow = unit is >= 0xDC00 and <= 0xDFFF;
                if (pendingHigh != isLow)
                {
                    return true;
                }

                pendingHigh = isHigh;
                i += 5;
                continue;
            }

            if (pendingHigh)
            {
                return true;
            }

            i++;
        }

        return pendingHigh;
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, out int value)
    {
        value = 0;
        foreach (var b in hex)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> span)
    {
        var status = Utf8.ToUtf16(span, new char[Math.Min(span.Length, 4096) + 1], out var read, out _, replaceInvalidSequences: false);
        long offset = 0;
        while (status == OperationStatus.DestinationTooSmall)
        {
            offset += read;
            span = span[read..];
            status = Utf8.ToUtf16(span, new char[Math.Min(span.Length, 4096) + 1], out read, out _, replaceInvalidSequences: false);
        }

        return offset + read;
    }
}
