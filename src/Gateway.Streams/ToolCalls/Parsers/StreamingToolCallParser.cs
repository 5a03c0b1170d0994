using System.Text;

namespace Gateway.Streams.ToolCalls.Parsers;

/// <summary>Buffers the undecided tail of a streamed output and turns scanner decisions into deltas.</summary>
internal sealed class StreamingToolCallParser : ScanSink, IStreamingToolCallParser
{
    private readonly MarkupScanner _scanner;
    private readonly StringBuilder _pendingContent = new();
    private char[] _buffer = new char[256];
    private int _start;
    private int _length;
    private long _decided;
    private readonly StringBuilder _pendingArguments = new();
    private int _nextIndex;
    private int _completedCalls;
    private List<ToolCallDelta>? _output;
    private bool _completed;

    // The open call (started, not yet ended): its index, and where its start sits in this feed's output when it
    // started during this feed (it can then be withdrawn whole); -1 once an earlier feed passed it on.
    private int _openIndex = -1;
    private int _openOutputPosition = -1;

    public StreamingToolCallParser(MarkupScanner scanner) => _scanner = scanner;

    /// <summary>At least one call was completed (an abandoned call does not count).</summary>
    public bool EmittedToolCalls => _completedCalls > 0;

    public void Feed(string contentDelta, List<ToolCallDelta> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_completed)
        {
            throw new InvalidOperationException("The output was already completed.");
        }

        if (string.IsNullOrEmpty(contentDelta))
        {
            return;
        }

        Append(contentDelta);
        Drive(isFinal: false, output);
    }

    public void Complete(List<ToolCallDelta> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_completed)
        {
            return;
        }

        _completed = true;
        Drive(isFinal: true, output);
    }

    public override void Content(ReadOnlySpan<char> text)
    {
        if (!text.IsEmpty && _openIndex >= 0)
        {
            Abandon();
        }

        _pendingContent.Append(text);
    }

    public override void CallStart(string name)
    {
        if (_openIndex >= 0)
        {
            Abandon();
        }

        FlushContent();
        _openIndex = _nextIndex++;
        _openOutputPosition = _output!.Count;
        _output.Add(new ToolCallDelta.ToolCallStart(_openIndex, ToolCallIds.New(), name));
    }

    public override void CallArguments(ReadOnlySpan<char> fragment)
    {
        if (_openIndex >= 0)
        {
            _pendingArguments.Append(fragment);
        }
    }

    public override void CallEnd()
    {
        if (_openIndex < 0)
        {
            return;
        }

        FlushArguments();
        _openIndex = -1;
        _completedCalls++;
    }

    /// <summary>
    /// The open call's markup is not a call after all. Started during this feed, it is withdrawn without trace;
    /// already passed on, it cannot be taken back: <see cref="ToolCallDelta.ToolCallAbandoned"/> says so.
    /// </summary>
    private void Abandon()
    {
        _pendingArguments.Clear();
        if (_openOutputPosition >= 0)
        {
            _output!.RemoveRange(_openOutputPosition, _output.Count - _openOutputPosition);
            _nextIndex--;
        }
        else
        {
            _output!.Add(new ToolCallDelta.ToolCallAbandoned(_openIndex));
        }

        _openIndex = -1;
    }

    private void Drive(bool isFinal, List<ToolCallDelta> output)
    {
        _output = output;
        try
        {
            var consumed = _scanner.Run(_buffer.AsSpan(_start, _length), isFinal, this, _decided);
            _decided += consumed;
            _start += consumed;
            _length -= consumed;
            if (_length == 0)
            {
                _start = 0;
            }

            if (isFinal && _openIndex >= 0)
            {
                Abandon(); // defensive: the end of the output decides every call
            }

            FlushArguments();
            FlushContent();
            _openOutputPosition = -1;
        }
        finally
        {
            _output = null;
        }
    }

    private void FlushArguments()
    {
        if (_pendingArguments.Length > 0)
        {
            _output!.Add(new ToolCallDelta.ToolCallArguments(_openIndex, _pendingArguments.ToString()));
            _pendingArguments.Clear();
        }
    }

    private void FlushContent()
    {
        if (_pendingContent.Length > 0)
        {
            _output!.Add(new ToolCallDelta.Content(_pendingContent.ToString()));
            _pendingContent.Clear();
        }
    }

    private void Append(string text)
    {
        if (_start + _length + text.Length > _buffer.Length)
        {
            if (_length + text.Length <= _buffer.Length && _start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _length);
            }
            else
            {
                var larger = new char[Math.Max(_buffer.Length * 2, _length + text.Length)];
                Array.Copy(_buffer, _start, larger, 0, _length);
                _buffer = larger;
            }

            _start = 0;
        }

        text.CopyTo(0, _buffer, _start + _length, text.Length);
        _length += text.Length;
    }
}
