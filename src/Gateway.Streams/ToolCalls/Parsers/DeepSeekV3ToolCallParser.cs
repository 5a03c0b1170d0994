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
        private readonly JsonCallStreamer _arguments = new(callObject: false);
        private long _headOrigin = -1;
        private int _headArguments; // from the call's body
        private string? _headName;
        private bool _inBlock;
        private bool _blockHadCall;

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

        /// <summary>
        /// Reads one call at <paramref name="start"/> (its begin marker) up to its end marker:
        /// <c>TYPE&lt;sep&gt;NAME\n```json\nARGS\n```</c> (V3) or <c>NAME&lt;sep&gt;ARGS</c> (V3.1). The call starts
        /// when its arguments object does, and the arguments stream as they arrive.
        /// </summary>
        private Outcome ReadCall(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, out int end)
        {
            var body = start + CallBegin.Length;
            if (_headOrigin != Origin + body)
            {
                _headArguments = FindArguments(text, body, out _headName);
                if (_headArguments < 0)
                {
                    // Not (or not yet) a call head: decided at the call's end marker, or at the end of the output.
                    if (_headArguments == NeedsMore && !isFinal)
                    {
                        end = 0;
                        return Outcome.NeedMore;
                    }

                    return NotCall(text, body, isFinal, out end);
                }

                _headOrigin = Origin + body; // the head is decided: later chunks only add arguments
                _headArguments -= body;
            }

            switch (_arguments.Advance(text, body + _headArguments, Origin, _headName!, sink, out var argumentsEnd))
            {
                case ScanStatus.Incomplete:
                    end = text.Length;
                    return isFinal ? Outcome.NotCall : Outcome.NeedMore;
                case ScanStatus.Invalid:
                    return NotCall(text, argumentsEnd, isFinal, out end);
            }

            var after = Markers.SkipWhitespace(text, argumentsEnd);
            if (text[after..].StartsWith(Fence, StringComparison.Ordinal))
            {
                after = Markers.SkipWhitespace(text, after + Fence.Length);
            }

            switch (Markers.At(text[after..], CallEnd))
            {
                case Markers.Match.Full:
                    end = after + CallEnd.Length;
                    break;
                case Markers.Match.Partial when !isFinal:
                    end = 0;
                    return Outcome.NeedMore;
                case Markers.Match.Partial:
                    end = text.Length;
                    break;
                default:
                    if (!isFinal && Markers.At(text[after..], Fence) == Markers.Match.Partial)
                    {
                        end = 0;
                        return Outcome.NeedMore;
                    }

                    return NotCall(text, after, isFinal, out end);
            }

            sink.CallEnd();
            return Outcome.Call;
        }

        private const int NeedsMore = -1;
        private const int NotACall = -2;
        private const string Fence = "```";

        /// <summary>Where the arguments object of the call whose text starts at <paramref name="body"/> begins; <see cref="NeedsMore"/> or <see cref="NotACall"/>.</summary>
        private static int FindArguments(ReadOnlySpan<char> text, int body, out string? name)
        {
            name = null;
            var segment = text[body..];
            var callEnd = segment.IndexOf(CallEnd, StringComparison.Ordinal);
            if (callEnd >= 0)
            {
                segment = segment[..callEnd];
            }

            var more = callEnd < 0 ? NeedsMore : NotACall;
            var separator = segment.IndexOf(Separator, StringComparison.Ordinal);
            if (separator < 0)
            {
                return more;
            }

            var head = segment[..separator].Trim();
            var tailStart = separator + Separator.Length;
            var tail = segment[tailStart..];
            ReadOnlySpan<char> nameText;
            int json;
            if (tail.TrimStart().StartsWith('{'))
            {
                nameText = head;
                json = tailStart + (tail.Length - tail.TrimStart().Length);
            }
            else
            {
                var newline = tail.IndexOf('\n');
                if (newline < 0)
                {
                    return head.IsEmpty ? NotACall : more;
                }

                if (head.IsEmpty)
                {
                    return NotACall;
                }

                nameText = tail[..newline].Trim();
                json = Markers.SkipWhitespace(segment, tailStart + newline + 1);
                if (json == segment.Length || Markers.At(segment[json..], Fence) == Markers.Match.Partial)
                {
                    return more;
                }

                if (segment[json..].StartsWith(Fence, StringComparison.Ordinal))
                {
                    var fenceEnd = segment[json..].IndexOf('\n');
                    if (fenceEnd < 0)
                    {
                        return more;
                    }

                    json = Markers.SkipWhitespace(segment, json + fenceEnd + 1);
                    if (json == segment.Length)
                    {
                        return more;
                    }
                }

                if (segment[json] != '{')
                {
                    return NotACall;
                }
            }

            if (nameText.IsEmpty || nameText.ContainsAny(" \t\r\n"))
            {
                return NotACall;
            }

            name = nameText.ToString();
            return body + json;
        }

        /// <summary>Not a call: its text is content up to and including its end marker (at or after <paramref name="from"/>).</summary>
        private static Outcome NotCall(ReadOnlySpan<char> text, int from, bool isFinal, out int end)
        {
            var close = text[from..].IndexOf(CallEnd, StringComparison.Ordinal);
            if (close >= 0)
            {
                end = from + close + CallEnd.Length;
                return Outcome.NotCall;
            }

            end = isFinal ? text.Length : 0;
            return isFinal ? Outcome.NotCall : Outcome.NeedMore;
        }
    }
}
