using System.Text;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Base of the parser families: the non-streaming parse and the streaming parser share one scanner.</summary>
internal abstract class ToolCallParserBase : IToolCallParser
{
    public abstract string Name { get; }

    internal abstract MarkupScanner CreateScanner(ToolSchemas tools);

    public ToolCallParseResult Parse(string modelOutput, ToolSchemas tools)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        var sink = new CollectingSink(modelOutput);
        CreateScanner(tools ?? ToolSchemas.Empty).Run(modelOutput, isFinal: true, sink);
        return sink.ToResult();
    }

    public IStreamingToolCallParser CreateStreaming(ToolSchemas tools) =>
        new StreamingToolCallParser(CreateScanner(tools ?? ToolSchemas.Empty));

    /// <summary>
    /// Collects the content of a whole-text parse as ranges of the source (scanners report slices of it), so the
    /// content is copied once, or not at all when it is the source itself.
    /// </summary>
    private sealed class CollectingSink(string source) : ScanSink
    {
        private readonly List<ReadOnlyMemory<char>> _pieces = [];
        private readonly List<ToolCall> _calls = [];
        private readonly StringBuilder _openArguments = new();
        private string? _openName;

        public override void Content(ReadOnlySpan<char> text)
        {
            if (text.IsEmpty)
            {
                return;
            }

            _openName = null; // an open call was abandoned: its markup is this content

            if (!source.AsSpan().Overlaps(text, out var offset))
            {
                _pieces.Add(text.ToString().AsMemory());
                return;
            }

            if (_pieces.Count > 0
                && SourceRanges.TryExtend(source, _pieces[^1], offset, text.Length, out var merged))
            {
                _pieces[^1] = merged;
                return;
            }

            _pieces.Add(source.AsMemory(offset, text.Length));
        }

        public override void CallStart(string name)
        {
            _openName = name;
            _openArguments.Clear();
        }

        public override void CallArguments(ReadOnlySpan<char> fragment)
        {
            if (_openName is not null)
            {
                _openArguments.Append(fragment);
            }
        }

        public override void CallEnd()
        {
            if (_openName is not null)
            {
                _calls.Add(new ToolCall(ToolCallIds.New(), _openName, _openArguments.ToString()));
                _openName = null;
            }
        }

        public ToolCallParseResult ToResult() => new(TrimmedContent(), _calls);

        private string? TrimmedContent()
        {
            // Trim across pieces: drop leading and trailing whitespace without building the untrimmed text.
            var first = 0;
            var head = ReadOnlyMemory<char>.Empty;
            for (; first < _pieces.Count; first++)
            {
                head = _pieces[first].TrimStart();
                if (!head.IsEmpty)
                {
                    break;
                }
            }

            if (first == _pieces.Count)
            {
                return null;
            }

            var last = _pieces.Count - 1;
            var tail = _pieces[last].TrimEnd();
            while (tail.IsEmpty)
            {
                tail = _pieces[--last].TrimEnd();
            }

            if (first == last)
            {
                var only = head.Span.TrimEnd();
                return only.Length == source.Length && source.AsSpan().Overlaps(only) ? source : only.ToString();
            }

            var length = head.Length + tail.Length;
            for (var i = first + 1; i < last; i++)
            {
                length += _pieces[i].Length;
            }

            return string.Create(length, (Pieces: _pieces, First: first, Last: last, Head: head, Tail: tail), static (span, state) =>
            {
                state.Head.Span.CopyTo(span);
                var at = state.Head.Length;
                for (var i = state.First + 1; i < state.Last; i++)
                {
                    state.Pieces[i].Span.CopyTo(span[at..]);
                    at += state.Pieces[i].Length;
                }

                state.Tail.Span.CopyTo(span[at..]);
            });
        }
    }
}
