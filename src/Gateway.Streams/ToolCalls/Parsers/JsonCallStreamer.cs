using System.Text;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// Streams one JSON call to a sink while it arrives: a call object (<c>{"name": …, "arguments": {…}}</c>, or
/// <c>"parameters"</c>) or, when the markup names the function, a bare arguments object. The call starts once its
/// name is complete; an arguments object then goes out as the model writes it, each fragment checked to be part of
/// valid JSON, with the whitespace between tokens dropped (strings, escapes and numbers stay as written). Missing or <c>null</c> arguments are <c>{}</c>; a string holding a JSON object
/// (double-encoded arguments) goes out decoded when the call is complete. Asked again about the value at the same
/// output offset, it resumes and reports only what is new.
/// </summary>
internal sealed class JsonCallStreamer(bool callObject)
{
    private readonly JsonCallReader _reader = new(callObject);
    private readonly JsonWhitespaceStripper _stripper = new();
    private readonly StringBuilder _fragment = new();
    private long _origin = -1;
    private bool _started;
    private bool _finished;
    private int _sent;

    /// <summary>The last value scanned was complete JSON (when it was not a call, it is one JSON object of content).</summary>
    public bool WasCompleteJson { get; private set; }

    /// <summary>
    /// Scans the value at <paramref name="start"/> (a <c>{</c>) and reports what became certain: the call's start,
    /// argument fragments. <see cref="ScanStatus.Complete"/>: the value is a call and all its arguments were reported
    /// (the caller ends it with <see cref="ScanSink.CallEnd"/> or abandons it); <see cref="ScanStatus.Invalid"/>: not a
    /// call (<paramref name="end"/> is where that became certain); <see cref="ScanStatus.Incomplete"/>: more text is needed.
    /// </summary>
    /// <param name="name">The function name when the markup gives it (bare arguments object); null for a call object.</param>
    public ScanStatus Advance(ReadOnlySpan<char> text, int start, long origin, string? name, ScanSink sink, out int end)
    {
        if (origin + start != _origin)
        {
            _origin = origin + start;
            _started = _finished = false;
            _sent = 0;
            _stripper.Reset();
        }

        var status = _reader.Scan(text, start, origin, out end);
        WasCompleteJson = status == ScanStatus.Complete;
        if (status == ScanStatus.Invalid || _finished)
        {
            return status;
        }

        var value = text[start..];
        if (!_started)
        {
            if (name is null)
            {
                if (_reader.NameStart >= 0 && value[_reader.NameStart] != '"')
                {
                    end = start + _reader.NameStart; // a name that is not a string
                    return ScanStatus.Invalid;
                }

                if (_reader.NameEnd < 0)
                {
                    return status == ScanStatus.Complete ? ScanStatus.Invalid : status;
                }

                name = DecodeName(value[_reader.NameStart.._reader.NameEnd]);
                if (name is null)
                {
                    end = start + _reader.NameEnd;
                    return ScanStatus.Invalid;
                }
            }

            sink.CallStart(name);
            _started = true;
        }

        var arguments = _reader.ArgumentsStart;
        if (arguments >= 0 && value[arguments] == '{')
        {
            var limit = _reader.ArgumentsEnd >= 0 ? _reader.ArgumentsEnd : _reader.Scanned;
            if (_reader.ArgumentsEnd < 0 && limit > 0 && char.IsHighSurrogate(value[limit - 1]))
            {
                limit--; // keep a surrogate pair in one fragment
            }

            var from = Math.Max(_sent, arguments);
            if (limit > from)
            {
                Send(value[from..limit], sink);
                _sent = limit;
            }
        }

        if (status != ScanStatus.Complete)
        {
            return status;
        }

        if (!TryFinishArguments(value, sink))
        {
            return ScanStatus.Invalid;
        }

        _finished = true;
        return status;
    }

    /// <summary>Arguments that are not an object streamed as it came: missing, <c>null</c>, or a JSON object in a string.</summary>
    private bool TryFinishArguments(ReadOnlySpan<char> value, ScanSink sink)
    {
        var start = _reader.ArgumentsStart;
        if (start < 0)
        {
            sink.CallArguments("{}");
            return true;
        }

        switch (value[start])
        {
            case '{':
                return true;
            case 'n':
                sink.CallArguments("{}");
                return true;
            case '"':
                var decoded = DecodeString(value[start.._reader.ArgumentsEnd]);
                if (decoded is null)
                {
                    return false;
                }

                using (var inner = JsonText.TryParse(decoded))
                {
                    if (inner?.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }
                }

                _stripper.Reset();
                Send(decoded, sink);
                return true;
            default:
                return false;
        }
    }

    private void Send(ReadOnlySpan<char> json, ScanSink sink)
    {
        _fragment.Clear();
        _stripper.Append(json, _fragment);
        foreach (var chunk in _fragment.GetChunks())
        {
            sink.CallArguments(chunk.Span);
        }
    }

    private static string? DecodeName(ReadOnlySpan<char> quoted)
    {
        var name = DecodeString(quoted)?.Trim();
        return string.IsNullOrEmpty(name) ? null : name;
    }

    /// <summary>The text of a JSON string literal (quotes included), or null when it holds an invalid escape.</summary>
    private static string? DecodeString(ReadOnlySpan<char> quoted)
    {
        var inner = quoted[1..^1];
        if (!inner.Contains('\\'))
        {
            return inner.ToString();
        }

        using var document = JsonText.TryParse(quoted);
        if (document is null)
        {
            return null;
        }

        try
        {
            return document.RootElement.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
