using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>deepseek_v3</c>: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\n{…}\n```&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>
/// (DeepSeek-V3-0324, R1-0528; the V3.1 spelling <c>NAME&lt;｜tool▁sep｜&gt;{…}</c> is accepted too). Markers use
/// U+FF5C and U+2581. Text before and after the block stays content; a call that does not parse stays content
/// verbatim (with the block markers when no call of the block parsed).
/// </summary>
internal sealed class DeepSeekV3ToolCallParser : ToolCallParserBase
{
    public const string ParserName = "deepseek_v3";

    internal const string CallsBegin = "<\uFF5Ctool\u2581calls\u2581begin\uFF5C>";
    internal const string CallsEnd = "<\uFF5Ctool\u2581calls\u2581end\uFF5C>";
    internal const string CallBegin = "<\uFF5Ctool\u2581call\u2581begin\uFF5C>";
    internal const string CallEnd = "<\uFF5Ctool\u2581call\u2581end\uFF5C>";
    internal const string Separator = "<\uFF5Ctool\u2581sep\uFF5C>";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(DeepSeekV3ToolCallParser.ParserName)
    {
        private bool _inBlock;
        private bool _blockHadCall;
        private long _searchedBody = -1;
        private int _searchedLength;

        private enum Outcome
        {
            NeedMore,
            Call,
            NotCall,
        }

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (_inBlock)
            {
                var inBlock = InBlock(text, isFinal, sink);
                if (inBlock != 0 || _inBlock)
                {
                    return inBlock;
                }
            }

            if (!AtMarker(text, CallsBegin, isFinal, sink, out var consumed))
            {
                return consumed;
            }

            var call = Markers.SkipWhitespace(text, CallsBegin.Length);
            switch (Markers.At(text[call..], CallBegin))
            {
                case Markers.Match.Partial:
                    return MoreOrFail(text, isFinal, sink);
                case Markers.Match.None:
                    return Fail(text, call, sink); // a block without a call: the marker is content
            }

            switch (ReadCall(text, call, isFinal, sink, out var end))
            {
                case Outcome.NeedMore:
                    return 0;
                case Outcome.Call:
                    _inBlock = true;
                    _blockHadCall = true;
                    return end;
                default:
                    _inBlock = true;
                    _blockHadCall = false;
                    return Fail(text, end, sink);
            }
        }

        private int InBlock(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            var next = Markers.SkipWhitespace(text, 0);
            var rest = text[next..];
            var blockEnd = Markers.At(rest, CallsEnd);
            if (blockEnd == Markers.Match.Full)
            {
                _inBlock = false;
                if (!_blockHadCall)
                {
                    sink.Content(text[..(next + CallsEnd.Length)]); // the block's calls all failed: keep its markers
                }

                return next + CallsEnd.Length;
            }

            var callStart = Markers.At(rest, CallBegin);
            if (callStart == Markers.Match.Full)
            {
                switch (ReadCall(text, next, isFinal, sink, out var end))
                {
                    case Outcome.NeedMore:
                        return 0;
                    case Outcome.Call:
                        _blockHadCall = true;
                        return end;
                    default:
                        return Fail(text, end, sink);
                }
            }

            if ((blockEnd == Markers.Match.Partial || callStart == Markers.Match.Partial) && !isFinal)
            {
                return 0;
            }

            _inBlock = false; // the block ends without its closing marker; the rest is ordinary text
            return 0;
        }

        /// <summary>Reads one call at <paramref name="start"/> (its begin marker) up to its end marker.</summary>
        private Outcome ReadCall(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, out int end)
        {
            var body = start + CallBegin.Length;

            // A long call arriving in small chunks: search only the part not searched before.
            var searched = _searchedBody == Origin + body ? _searchedLength : 0;
            var close = text[(body + searched)..].IndexOf(CallEnd, StringComparison.Ordinal);
            close = close < 0 ? -1 : close + searched;
            ReadOnlySpan<char> segment;
            if (close < 0)
            {
                if (!isFinal)
                {
                    _searchedBody = Origin + body;
                    _searchedLength = Math.Max(0, text.Length - body - CallEnd.Length + 1);
                    end = 0;
                    return Outcome.NeedMore;
                }

                segment = text[body..];
                end = text.Length;
            }
            else
            {
                segment = text.Slice(body, close);
                end = body + close + CallEnd.Length;
            }

            if (!TryReadSegment(segment, out var name, out var arguments))
            {
                return Outcome.NotCall;
            }

            sink.Call(name, arguments);
            return Outcome.Call;
        }

        /// <summary><c>TYPE&lt;sep&gt;NAME\n```json\nARGS\n```</c> (V3) or <c>NAME&lt;sep&gt;ARGS</c> (V3.1).</summary>
        private static bool TryReadSegment(ReadOnlySpan<char> segment, out string name, out string arguments)
        {
            name = arguments = string.Empty;
            var separator = segment.IndexOf(Separator, StringComparison.Ordinal);
            if (separator < 0)
            {
                return false;
            }

            var head = segment[..separator].Trim();
            var tail = segment[(separator + Separator.Length)..];
            ReadOnlySpan<char> nameText;
            ReadOnlySpan<char> json;
            if (tail.TrimStart().StartsWith('{'))
            {
                nameText = head;
                json = tail.Trim();
            }
            else
            {
                var newline = tail.IndexOf('\n');
                if (head.IsEmpty || newline < 0)
                {
                    return false;
                }

                nameText = tail[..newline].Trim();
                json = tail[(newline + 1)..].Trim();
                if (json.StartsWith("```", StringComparison.Ordinal))
                {
                    var fenceEnd = json.IndexOf('\n');
                    json = fenceEnd < 0 ? json[3..] : json[(fenceEnd + 1)..];
                }

                json = json.Trim();
                if (json.EndsWith("```", StringComparison.Ordinal))
                {
                    json = json[..^3].Trim();
                }
            }

            if (nameText.IsEmpty || nameText.ContainsAny(" \t\r\n"))
            {
                return false;
            }

            var compact = JsonArgumentScanner.TryCompactObject(json);
            if (compact is null)
            {
                return false;
            }

            name = nameText.ToString();
            arguments = compact;
            return true;
        }
    }
}
