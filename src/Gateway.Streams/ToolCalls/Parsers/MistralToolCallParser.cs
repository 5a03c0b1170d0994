using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>mistral</c>: <c>[TOOL_CALLS]</c> followed by a JSON array of <c>{name, arguments}</c> (pre-v11 tokenizers), or by
/// <c>name{…}</c> / <c>name[ARGS]{…}</c> (v11/v13, one marker per call). The form is chosen by what follows the
/// marker: <c>[</c> (or <c>{</c>) → JSON, anything else → name form. Text before, between and after calls stays
/// content; markup that does not parse stays content verbatim (the marker included).
/// </summary>
internal sealed class MistralToolCallParser : ToolCallParserBase
{
    public const string ParserName = "mistral";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(MistralToolCallParser.ParserName)
    {
        private const string Marker = "[TOOL_CALLS]";
        private const string ArgsMarker = "[ARGS]";
        private const int MaxNameLength = 256;

        private readonly JsonCallStreamer _call = new(callObject: true);
        private readonly JsonCallArrayStreamer _calls = new();
        private readonly JsonCallStreamer _arguments = new(callObject: false);

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (!AtMarker(text, Marker, isFinal, sink, out var consumed))
            {
                return consumed;
            }

            var body = Markers.SkipWhitespace(text, Marker.Length);
            if (body == text.Length)
            {
                return MoreOrFail(text, isFinal, sink);
            }

            return text[body] is '[' or '{'
                ? JsonForm(text, body, isFinal, sink)
                : NameForm(text, body, isFinal, sink);
        }

        private int JsonForm(ReadOnlySpan<char> text, int body, bool isFinal, ScanSink sink)
        {
            ScanStatus status;
            int end;
            if (text[body] == '{')
            {
                status = _call.Advance(text, body, Origin, name: null, sink, out end);
                if (status == ScanStatus.Complete)
                {
                    sink.CallEnd();
                    return end;
                }
            }
            else
            {
                status = _calls.Advance(text, body, Origin, sink, out end);
                if (status == ScanStatus.Complete)
                {
                    return end;
                }

                if ((status == ScanStatus.Invalid || isFinal) && _calls.Completed > 0)
                {
                    return ListBrokenAfter(body + _calls.CompletedLength, status == ScanStatus.Invalid);
                }
            }

            return status == ScanStatus.Incomplete ? MoreOrFail(text, isFinal, sink) : Fail(text, end, sink);
        }

        private int NameForm(ReadOnlySpan<char> text, int body, bool isFinal, ScanSink sink)
        {
            var nameEnd = body;
            while (nameEnd < text.Length && nameEnd - body <= MaxNameLength
                && !char.IsWhiteSpace(text[nameEnd]) && text[nameEnd] is not ('{' or '['))
            {
                nameEnd++;
            }

            if (nameEnd - body > MaxNameLength)
            {
                return Fail(text, body, sink);
            }

            var position = Markers.SkipWhitespace(text, nameEnd);
            if (position == text.Length)
            {
                return MoreOrFail(text, isFinal, sink);
            }

            if (text[position] == '[')
            {
                switch (Markers.At(text[position..], ArgsMarker))
                {
                    case Markers.Match.None:
                        return Fail(text, position, sink);
                    case Markers.Match.Partial:
                        return MoreOrFail(text, isFinal, sink);
                }

                position = Markers.SkipWhitespace(text, position + ArgsMarker.Length);
                if (position == text.Length)
                {
                    return MoreOrFail(text, isFinal, sink);
                }
            }

            if (nameEnd == body || text[position] != '{')
            {
                return Fail(text, position, sink);
            }

            switch (_arguments.Advance(text, position, Origin, text[body..nameEnd].ToString(), sink, out var end))
            {
                case ScanStatus.Incomplete:
                    return MoreOrFail(text, isFinal, sink);
                case ScanStatus.Invalid:
                    return Fail(text, end, sink);
            }

            sink.CallEnd();
            return end;
        }
    }
}
