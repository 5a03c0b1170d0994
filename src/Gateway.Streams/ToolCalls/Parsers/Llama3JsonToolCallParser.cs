using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>llama3_json</c>: JSON objects <c>{"name": …, "parameters"|"arguments": {…}}</c> (Llama 3.1/3.2/3.3), with or
/// without a leading <c>&lt;|python_tag|&gt;</c>, several separated by <c>;</c>, or an array made only of call
/// objects. Calls are found anywhere in the text; text around them stays content; a <c>{</c> that does not start a
/// call object stays content.
/// </summary>
internal sealed class Llama3JsonToolCallParser : ToolCallParserBase
{
    public const string ParserName = "llama3_json";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner();

    private sealed class Scanner() : MarkupScanner(Llama3JsonToolCallParser.ParserName)
    {
        private const string PythonTag = "<|python_tag|>";

        private bool _afterCall;

        private readonly JsonCallStreamer _call = new(callObject: true);
        private readonly JsonCallArrayStreamer _calls = new();

        private enum Outcome
        {
            NeedMore,
            Calls,
            NotCalls,
        }

        protected override int Step(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            if (_afterCall)
            {
                // A ';' after a call (whitespace around it allowed) separates calls: markup, not content.
                var next = Markers.SkipWhitespace(text, 0);
                if (next == text.Length && !isFinal)
                {
                    return 0;
                }

                _afterCall = false;
                if (next < text.Length && text[next] == ';')
                {
                    return next + 1;
                }
            }

            var start = text.IndexOfAny('{', '[', '<');
            if (start != 0)
            {
                return ContentBefore(text, start, sink);
            }

            var body = 0;
            if (text[0] == '<')
            {
                var tag = Markers.At(text, PythonTag);
                if (tag != Markers.Match.Full)
                {
                    return NotMarker(text, tag, isFinal, sink);
                }

                body = Markers.SkipWhitespace(text, PythonTag.Length);
                if (body == text.Length && !isFinal)
                {
                    return 0;
                }

                if (body == text.Length || (text[body] != '{' && text[body] != '['))
                {
                    // A tag not followed by a call (e.g. code for the interpreter): the tag is content.
                    return Fail(text, body, sink);
                }
            }

            var outcome = Attempt(text, body, isFinal, sink, out var end);
            switch (outcome)
            {
                case Outcome.NeedMore:
                    return 0;
                case Outcome.Calls:
                    _afterCall = true;
                    return end;
                default:
                    if (body > 0)
                    {
                        // The tag stays content; the object after it is looked at again on its own.
                        return Fail(text, body, sink);
                    }

                    if (text[..end].Contains("\"name\"", StringComparison.Ordinal))
                    {
                        Failed(); // looked like a call object but was not one
                    }

                    return Content(text, end, sink);
            }
        }

        /// <summary>Tries the object or array at <paramref name="start"/>; on NotCalls <paramref name="end"/> is the content length.</summary>
        private Outcome Attempt(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, out int end)
        {
            if (text[start] == '[')
            {
                var first = Markers.SkipWhitespace(text, start + 1);
                if (first == text.Length && !isFinal)
                {
                    end = 0;
                    return Outcome.NeedMore;
                }

                if (first == text.Length || text[first] != '{')
                {
                    end = start + 1;
                    return Outcome.NotCalls;
                }
            }

            if (text[start] == '[')
            {
                var listStatus = _calls.Advance(text, start, Origin, sink, out end);
                if (listStatus == ScanStatus.Incomplete && !isFinal)
                {
                    return Outcome.NeedMore;
                }

                if (listStatus == ScanStatus.Complete)
                {
                    return Outcome.Calls;
                }

                if (_calls.Completed > 0)
                {
                    end = ListBrokenAfter(start + _calls.CompletedLength, listStatus == ScanStatus.Invalid);
                    return Outcome.Calls;
                }

                end = start + 1; // a bracket that does not open a call list is content
                return Outcome.NotCalls;
            }

            switch (_call.Advance(text, start, Origin, name: null, sink, out end))
            {
                case ScanStatus.Incomplete:
                    if (!isFinal)
                    {
                        return Outcome.NeedMore;
                    }

                    end = text.Length; // an object cut by the end of the output is content to the end
                    return Outcome.NotCalls;
                case ScanStatus.Invalid:
                    // A complete object that is not a call is content as a whole; otherwise only its brace is.
                    end = _call.WasCompleteJson ? end : start + 1;
                    return Outcome.NotCalls;
            }

            sink.CallEnd();
            return Outcome.Calls;
        }
    }
}
