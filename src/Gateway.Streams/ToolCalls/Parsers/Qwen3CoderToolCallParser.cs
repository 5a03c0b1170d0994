using System.Text;
using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>
/// <c>qwen3_coder</c>: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=P&gt;value&lt;/parameter&gt;…&lt;/function&gt;&lt;/tool_call&gt;</c>
/// (Qwen3-Coder). Values are text with one leading and one trailing newline removed, typed by the request's tool
/// schema (<see cref="ToolSchemas.TryGetParameterSchema"/>): integer/number/boolean/object/array/null are parsed,
/// anything else, a parameter without a schema, or a value that does not parse as its type stays a string.
/// </summary>
internal sealed class Qwen3CoderToolCallParser : ToolCallParserBase
{
    public const string ParserName = "qwen3_coder";

    public override string Name => ParserName;

    internal override MarkupScanner CreateScanner(ToolSchemas tools) => new Scanner(tools);

    private sealed class Scanner(ToolSchemas tools) : MarkupScanner(Qwen3CoderToolCallParser.ParserName)
    {
        private const string Open = "<tool_call>";
        private const string Close = "</tool_call>";
        private const string FunctionOpen = "<function=";
        private const string FunctionClose = "</function>";
        private const string ParameterOpen = "<parameter=";
        private const string ParameterClose = "</parameter>";

        private readonly StringBuilder _fragment = new();
        private bool _inBlock;

        // The function being read, by its offset in the output: its name, where the next parameter (or its end) is
        // looked for, and how many parameters were sent.
        private long _functionOrigin = -1;
        private string _function = string.Empty;
        private int _resume;
        private int _parameters;

        // The parameter being read (offsets from the function's start): its value's start (-1: none), how far the value
        // was searched for its end and sent, and whether it is a string sent as it arrives.
        private string _parameter = string.Empty;
        private JsonElement _schema;
        private int _valueStart = -1;
        private int _valueSearched;
        private int _valueSent;
        private bool _valueStreams;

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

            if (!AtMarker(text, Open, FunctionOpen, isFinal, sink, out var marker, out var consumed))
            {
                return consumed;
            }

            if (marker == FunctionOpen)
            {
                // A function outside any <tool_call> block.
                switch (ReadFunction(text, 0, isFinal, sink, out var functionEnd))
                {
                    case ScanStatus.Complete:
                        return functionEnd;
                    case ScanStatus.Incomplete:
                        return 0;
                    default:
                        return Fail(text, FunctionOpen.Length, sink);
                }
            }

            var function = Markers.SkipWhitespace(text, Open.Length);
            switch (Markers.At(text[function..], FunctionOpen))
            {
                case Markers.Match.Partial:
                    return MoreOrFail(text, isFinal, sink);
                case Markers.Match.None:
                    return FailBlock(text, function, Close, isFinal, sink);
            }

            switch (ReadFunction(text, function, isFinal, sink, out var end))
            {
                case ScanStatus.Complete:
                    _inBlock = true;
                    return end;
                case ScanStatus.Incomplete:
                    return 0;
                default:
                    return FailBlock(text, function, Close, isFinal, sink);
            }
        }

        /// <summary>After a function inside a block: another function, the closing tag, or the end of the block.</summary>
        private int InBlock(ReadOnlySpan<char> text, bool isFinal, ScanSink sink)
        {
            var next = Markers.SkipWhitespace(text, 0);
            var close = Markers.At(text[next..], Close);
            var function = Markers.At(text[next..], FunctionOpen);
            if (close == Markers.Match.Full)
            {
                _inBlock = false;
                return next + Close.Length;
            }

            if (function == Markers.Match.Full)
            {
                switch (ReadFunction(text, next, isFinal, sink, out var end))
                {
                    case ScanStatus.Complete:
                        return end;
                    case ScanStatus.Incomplete:
                        return 0;
                    default:
                        var failed = FailBlock(text, next, Close, isFinal, sink);
                        _inBlock = failed == 0;
                        return failed;
                }
            }

            if ((close == Markers.Match.Partial || function == Markers.Match.Partial) && !isFinal)
            {
                return 0;
            }

            // Anything else ends the block (its closing tag was left out); it is scanned as ordinary text.
            _inBlock = false;
            return 0;
        }

        /// <summary>
        /// Reads <c>&lt;function=NAME&gt;…&lt;/function&gt;</c> at <paramref name="start"/>, reporting the call as it
        /// arrives: its start once the name is complete, each parameter's key when the parameter starts, a string
        /// value as it arrives and any other value when it is complete. Asked again about the same function (same
        /// output offset), it resumes where it stopped.
        /// </summary>
        private ScanStatus ReadFunction(ReadOnlySpan<char> text, int start, bool isFinal, ScanSink sink, out int end)
        {
            end = 0;
            if (_functionOrigin != Origin + start)
            {
                var position = start + FunctionOpen.Length;
                var status = ReadName(text, ref position, out var name);
                if (status != ScanStatus.Complete)
                {
                    return status == ScanStatus.Incomplete && !isFinal ? ScanStatus.Incomplete : ScanStatus.Invalid;
                }

                _functionOrigin = Origin + start;
                _function = name;
                _resume = position - start;
                _parameters = 0;
                _valueStart = -1;
                sink.CallStart(name);
            }

            var function = text[start..];
            while (true)
            {
                if (_valueStart >= 0)
                {
                    if (!ReadValue(function, isFinal, sink, out var valueEnd))
                    {
                        return ScanStatus.Incomplete;
                    }

                    _parameters++;
                    _valueStart = -1;
                    _resume = valueEnd;
                }

                var position = Markers.SkipWhitespace(function, _resume);
                var rest = function[position..];
                var functionClose = Markers.At(rest, FunctionClose);
                if (functionClose == Markers.Match.Full)
                {
                    end = start + position + FunctionClose.Length;
                    return EndCall(sink);
                }

                var parameter = Markers.At(rest, ParameterOpen);
                if (parameter == Markers.Match.Full)
                {
                    position += ParameterOpen.Length;
                    var status = ReadName(function, ref position, out var parameterName);
                    if (status == ScanStatus.Invalid)
                    {
                        return status;
                    }

                    if (status == ScanStatus.Incomplete)
                    {
                        if (!isFinal)
                        {
                            return status;
                        }

                        end = text.Length; // truncated inside a parameter name: the call keeps what it has
                        return EndCall(sink);
                    }

                    StartParameter(parameterName, position, sink);
                    continue;
                }

                if (rest.IsEmpty || functionClose == Markers.Match.Partial || parameter == Markers.Match.Partial)
                {
                    if (!isFinal)
                    {
                        return ScanStatus.Incomplete;
                    }

                    end = text.Length; // truncated output: the call stands with what it has
                    return EndCall(sink);
                }

                return ScanStatus.Invalid;
            }
        }

        private ScanStatus EndCall(ScanSink sink)
        {
            sink.CallArguments(_parameters == 0 ? "{}" : "}");
            sink.CallEnd();
            _functionOrigin = -1;
            return ScanStatus.Complete;
        }

        /// <summary>A parameter's name is complete; a value that stays a string starts with its key at once.</summary>
        private void StartParameter(string name, int valueStart, ScanSink sink)
        {
            _parameter = name;
            _valueStart = _valueSent = _valueSearched = valueStart;
            _valueStreams = !tools.TryGetParameterSchema(_function, name, out _schema) || ParameterTyping.AlwaysString(_schema);
            if (_valueStreams)
            {
                var key = new CompactJsonWriter();
                key.WritePropertyName(name);
                Send(sink, _parameters == 0 ? "{" : ",", key.ToString(), "\"");
            }
        }

        /// <summary>
        /// Reads the value up to <c>&lt;/parameter&gt;</c>, <c>&lt;/function&gt;</c> or a <c>&lt;parameter=</c> that
        /// starts a line, sending a string value as far as it is certain; true once it is complete.
        /// </summary>
        private bool ReadValue(ReadOnlySpan<char> function, bool isFinal, ScanSink sink, out int valueEnd)
        {
            var search = _valueSearched;
            while (true)
            {
                var lt = function[search..].IndexOf('<');
                if (lt < 0)
                {
                    if (!isFinal)
                    {
                        _valueSearched = function.Length;
                        SendValue(function, function.Length, sink);
                        valueEnd = 0;
                        return false;
                    }

                    valueEnd = function.Length;
                    return FinishValue(function, function.Length, sink);
                }

                var at = search + lt;
                var rest = function[at..];
                var parameterClose = Markers.At(rest, ParameterClose);
                var functionClose = Markers.At(rest, FunctionClose);
                var lineStart = at > _valueStart && function[at - 1] == '\n';
                var nextParameter = lineStart ? Markers.At(rest, ParameterOpen) : Markers.Match.None;
                if (parameterClose == Markers.Match.Full)
                {
                    valueEnd = at + ParameterClose.Length;
                    return FinishValue(function, at, sink);
                }

                if (functionClose == Markers.Match.Full || nextParameter == Markers.Match.Full)
                {
                    valueEnd = at; // the closing tag was left out
                    return FinishValue(function, at, sink);
                }

                if (parameterClose == Markers.Match.Partial || functionClose == Markers.Match.Partial || nextParameter == Markers.Match.Partial)
                {
                    if (!isFinal)
                    {
                        _valueSearched = at;
                        SendValue(function, at, sink);
                        valueEnd = 0;
                        return false;
                    }

                    valueEnd = function.Length;
                    return FinishValue(function, at, sink);
                }

                search = at + 1;
            }
        }

        /// <summary>
        /// Sends a string value's text up to <paramref name="limit"/>, keeping back what may still be trimmed (a
        /// leading newline not yet followed by anything, a trailing newline) and a trailing high surrogate.
        /// </summary>
        private void SendValue(ReadOnlySpan<char> function, int limit, ScanSink sink)
        {
            if (!_valueStreams || limit == _valueSent)
            {
                return;
            }

            if (_valueSent == _valueStart && function[_valueStart] == '\n')
            {
                _valueSent++; // one leading newline is not part of the value
            }

            if (limit > _valueSent && (function[limit - 1] == '\n' || char.IsHighSurrogate(function[limit - 1])))
            {
                limit--;
            }

            if (limit > _valueSent)
            {
                SendEscaped(sink, function[_valueSent..limit], closeString: false);
                _valueSent = limit;
            }
        }

        /// <summary>The value ends at <paramref name="at"/>: sends the rest of a string, or the whole typed value with its key.</summary>
        private bool FinishValue(ReadOnlySpan<char> function, int at, ScanSink sink)
        {
            if (_valueStreams)
            {
                var from = _valueSent;
                if (from == _valueStart && at > from && function[from] == '\n')
                {
                    from++;
                }

                var limit = at > from && function[at - 1] == '\n' ? at - 1 : at;
                SendEscaped(sink, function[from..Math.Max(from, limit)], closeString: true);
                return true;
            }

            var value = TrimNewlines(function[_valueStart..at]);
            var writer = new CompactJsonWriter();
            writer.WritePropertyName(_parameter);
            if (!ParameterTyping.TryWriteTyped(writer, _schema, value))
            {
                writer.WriteStringValue(value);
            }

            Send(sink, _parameters == 0 ? "{" : ",", writer.ToString(), string.Empty);
            return true;
        }

        private void SendEscaped(ScanSink sink, ReadOnlySpan<char> text, bool closeString)
        {
            _fragment.Clear();
            CompactJsonWriter.AppendEscaped(_fragment, text);
            if (closeString)
            {
                _fragment.Append('"');
            }

            Flush(sink);
        }

        private void Send(ScanSink sink, string first, string second, string third)
        {
            _fragment.Clear();
            _fragment.Append(first).Append(second).Append(third);
            Flush(sink);
        }

        private void Flush(ScanSink sink)
        {
            foreach (var chunk in _fragment.GetChunks())
            {
                sink.CallArguments(chunk.Span);
            }
        }

        private static string TrimNewlines(ReadOnlySpan<char> value)
        {
            if (value.StartsWith('\n'))
            {
                value = value[1..];
            }

            if (value.EndsWith('\n'))
            {
                value = value[..^1];
            }

            return value.ToString();
        }

        /// <summary>A function or parameter name up to <c>&gt;</c>; whitespace, quotes, <c>&lt;</c> and braces are not allowed.</summary>
        private static ScanStatus ReadName(ReadOnlySpan<char> text, ref int position, out string name)
        {
            name = string.Empty;
            var start = position;
            while (position < text.Length)
            {
                var c = text[position];
                if (c == '>')
                {
                    if (position == start)
                    {
                        return ScanStatus.Invalid;
                    }

                    name = text[start..position].ToString();
                    position++;
                    return ScanStatus.Complete;
                }

                if (char.IsWhiteSpace(c) || c is '"' or '\'' or '<' or '{' or '}')
                {
                    return ScanStatus.Invalid;
                }

                position++;
            }

            return ScanStatus.Incomplete;
        }
    }
}
