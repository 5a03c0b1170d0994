using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>granite</c>: <c>&lt;|tool_call|&gt;</c> (Granite 3.0) or <c>&lt;tool_call&gt;</c> (3.1+) followed by one JSON
/// array of <c>{name, arguments}</c> objects; a bare array counts only at the start of the output. Text before a
/// marker and after the array stays content; an array that does not parse stays content verbatim.
/// </summary>
internal sealed class GraniteToolCallParser : ToolCallParserBase
{
    public const string ParserName = "granite";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(GraniteToolCallParser.ParserName)
    {
        private const string TokenMarker = "<|tool_call|>";
        private const string TagMarker = "<tool_call>";

        private bool _atStart = true;

        private readonly JsonCallArrayStreamer _calls = new();

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (_atStart)
            {
                var nonSpace = Markers.SkipWhitespace(text, 0);
                if (nonSpace > 0)
                {
                    return Content(text, nonSpace, sink);
                }

                if (text[0] == '[')
                {
                    return ReadArray(text, 0, isFinal, sink, bare: true);
                }

                if (text[0] != '<')
                {
                    _atStart = false;
                }
            }

            if (!AtMarker(text, TokenMarker, TagMarker, isFinal, sink, out var marker, out var consumed))
            {
                if (consumed > 0)
                {
                    _atStart = false;
                }

                return consumed;
            }

            var array = Markers.SkipWhitespace(text, marker.Length);
            if (array == text.Length)
            {
                if (!isFinal)
                {
                    return 0;
                }
            }
            else if (text[array] == '[')
            {
                return ReadArray(text, array, isFinal, sink, bare: false);
            }

            // A marker not followed by an array: the marker is content.
            _atStart = false;
            return Fail(text, array, sink);
        }

        /// <summary>
        /// Reads the array at <paramref name="start"/>; what precedes it in <paramref name="text"/> is its marker.
        /// Once the array is decided (calls or content) the start of the output is past.
        /// </summary>
        private int ReadArray(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, bool bare)
        {
            var status = _calls.Advance(text, start, Origin, sink, out var end);
            if (status == ScanStatus.Incomplete && !isFinal)
            {
                return 0;
            }

            _atStart = false;
            if (status == ScanStatus.Complete)
            {
                return end;
            }

            if (_calls.Completed > 0)
            {
                return ListBrokenAfter(start + _calls.CompletedLength, status == ScanStatus.Invalid);
            }

            return NotCalls(text, bare ? start + 1 : status == ScanStatus.Incomplete ? text.Length : end, sink, bare);
        }

        private int NotCalls(ReadOnlySpan<char> text, int length, ScanSink sink, bool bare) =>
            bare ? Content(text, length, sink) : Fail(text, length, sink);
    }
}
