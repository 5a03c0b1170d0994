using Akka.Streams;
using Akka.Streams.Stage;

namespace Gateway.Streams.Sse;

/// <summary>
/// Turns upstream body bytes, split anywhere, into complete <see cref="SseEvent"/>s. Byte-level, so events
/// and multi-byte UTF-8 characters split across TCP reads come out whole. The stream ends with the first
/// <c>data: [DONE]</c>: anything after it is ignored and the upstream is released.
/// </summary>
internal sealed class SseFramingStage : GraphStage<FlowShape<ReadOnlyMemory<byte>, SseEvent>>
{
    private readonly Inlet<ReadOnlyMemory<byte>> _in = new("sseFraming.in");
    private readonly Outlet<SseEvent> _out = new("sseFraming.out");

    public SseFramingStage() => Shape = new FlowShape<ReadOnlyMemory<byte>, SseEvent>(_in, _out);

    public override FlowShape<ReadOnlyMemory<byte>, SseEvent> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

#pragma warning disable CA1001 // Akka ends a stage's logic with PostStop, which disposes the parser
    private sealed class Logic : InAndOutGraphStageLogic
#pragma warning restore CA1001
    {
        private readonly SseFramingStage _stage;
        private readonly SseEventParser _parser = new();
        private readonly List<SseEvent> _parsed = [];
        private readonly Queue<SseEvent> _pending = new();
        private bool _done;

        public Logic(SseFramingStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void OnPush()
        {
            _parser.Feed(Grab(_stage._in), _parsed);
            for (var i = 0; i < _parsed.Count; i++)
            {
                var e = _parsed[i];
                if (e.IsDone)
                {
                    _pending.Enqueue(e);
                    _done = true;
                    break;
                }

                _pending.Enqueue(i < _parsed.Count - 1 ? e with { MoreFollows = true } : e);
            }

            _parsed.Clear();
            if (_pending.Count == 0)
            {
                Pull(_stage._in);
                return;
            }

            Push(_stage._out, _pending.Dequeue());
            if (_pending.Count == 0 && _done)
            {
                CompleteStage();
            }
        }

        public override void OnPull()
        {
            if (_pending.Count > 0)
            {
                Push(_stage._out, _pending.Dequeue());
                if (_pending.Count == 0 && (_done || IsClosed(_stage._in)))
                {
                    CompleteStage();
                }

                return;
            }

            if (_done || IsClosed(_stage._in))
            {
                CompleteStage();
                return;
            }

            Pull(_stage._in);
        }

        public override void OnUpstreamFinish()
        {
            if (_pending.Count == 0)
            {
                CompleteStage();
            }
        }

        /// <summary>The parser's pooled buffers go back (the events it handed out are copies).</summary>
        public override void PostStop() => _parser.Dispose();
    }
}
