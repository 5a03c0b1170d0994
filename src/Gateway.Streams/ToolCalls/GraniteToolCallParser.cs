namespace Gateway.Streams.ToolCalls;

/// <summary>
/// <c>granite</c>: <c>&lt;|tool_call|&gt;</c> (Granite 3.0) or <c>&lt;tool_call&gt;</c> (3.1+) followed by one JSON
/// array of <c>{name, arguments}</c> objects; a bare array counts only at the start of the output. Text before a
/// marker and after the array stays content; an array that does not parse stays content verbatim.
/// </summary>
public sealed class GraniteToolCallParser : ToolCallParserBase
{
    public const string ParserName = "granite";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(GraniteToolCallParser.ParserName)
    {
        private const string TokenMarker = "<|tool_call|>";
        private const string TagMarker = "<tool_call>";

        private bool _atStart = true;

        private readonly BracketScanner _json = new(python: false);

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (_atStart)
            {
                var nonSpace = Markers.SkipWhitespace(text, 0);
                if (nonSpace > 0)
                {
                    sink.Content(text[..nonSpace]);
                    return nonSpace;
                }

                if (text[0] == '[')
                {
                    var consumed = ReadArray(text, 0, isFinal, sink, bare: true);
                    if (consumed > 0)
                    {
                        _atStart = false;
                    }

                    return consumed;
                }

                if (text[0] != '<')
                {
                    _atStart = false;
                }
            }

            var lt = text.IndexOf('<');
            if (lt != 0)
            {
                var length = lt < 0 ? text.Length : lt;
                sink.Content(text[..length]);
                return length;
            }

            var token = Markers.At(text, TokenMarker);
            var tag = Markers.At(text, TagMarker);
            if (token != Markers.Match.Full && tag != Markers.Match.Full)
            {
                if (token == Markers.Match.Partial || tag == Markers.Match.Partial)
                {
                    if (!isFinal)
                    {
                        return 0;
                    }

                    sink.Content(text);
                    return text.Length;
                }

                _atStart = false;
                sink.Content(text[..1]);
                return 1;
            }

            var array = Markers.SkipWhitespace(text, token == Markers.Match.Full ? TokenMarker.Length : TagMarker.Length);
            if (array == text.Length)
            {
                if (!isFinal)
                {
                    return 0;
                }
            }
            else if (text[array] == '[')
            {
                var consumed = ReadArray(text, array, isFinal, sink, bare: false);
                if (consumed > 0)
                {
                    _atStart = false;
                }

                return consumed;
            }

            // A marker not followed by an array: the marker is content.
            _atStart = false;
            Failed();
            sink.Content(text[..array]);
            return array;
        }

        /// <summary>Reads the array at <paramref name="start"/>; what precedes it in <paramref name="text"/> is its marker.</summary>
        private int ReadArray(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, bool bare)
        {
            switch (_json.Scan(text, start, Origin, out var end))
            {
                case ScanStatus.Incomplete:
                    if (!isFinal)
                    {
                        return 0;
                    }

                    return NotCalls(text, bare ? start + 1 : text.Length, sink, bare);
                case ScanStatus.Invalid:
                    return NotCalls(text, bare ? start + 1 : end, sink, bare);
            }

            var calls = JsonArgumentScanner.TryReadCallArray(text[start..end]);
            if (calls is null)
            {
                return NotCalls(text, end, sink, bare);
            }

            foreach (var (name, arguments) in calls)
            {
                sink.Call(name, arguments);
            }

            return end;
        }

        private int NotCalls(ReadOnlySpan<char> text, int length, ScanSink sink, bool bare)
        {
            if (!bare)
            {
                Failed();
            }

            sink.Content(text[..length]);
            return length;
        }
    }
}
