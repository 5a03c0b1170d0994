using Akka.Streams;
using Akka.Streams.Stage;
using Gateway.Streams.Sse;
using Gateway.Streams.ToolCalls.Parsers;
using Gateway.Streams.ToolCalls.Responses;

namespace Gateway.Streams.Relay;

/// <summary>
/// Rewrites a chat stream whose model writes tool calls as raw text: each upstream chunk goes through the
/// model family's incremental parser, so plain text keeps streaming while tool markup comes out as OpenAI
/// <c>tool_calls</c> deltas. In-band error events pass through untouched.
/// </summary>
internal sealed class ToolCallParsingStage : GraphStage<FlowShape<SseEvent, SseEvent>>
{
    private readonly IToolCallParser _parser;
    private readonly ToolSchemas _schemas;
    private readonly Inlet<SseEvent> _in = new("toolCallParsing.in");
    private readonly Outlet<SseEvent> _out = new("toolCallParsing.out");

    public ToolCallParsingStage(IToolCallParser parser, ToolSchemas schemas)
    {
        _parser = parser;
        _schemas = schemas;
        Shape = new FlowShape<SseEvent, SseEvent>(_in, _out);
    }

    public override FlowShape<SseEvent, SseEvent> Shape { get; }

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly ToolCallParsingStage _stage;
        private readonly ChatCompletionChunkToolCallTransformer _transformer;
        private readonly List<byte[]> _produced = [];
        private readonly Queue<SseEvent> _pending = new();
        private bool _ended;

        public Logic(ToolCallParsingStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _transformer = new ChatCompletionChunkToolCallTransformer(stage._parser, stage._schemas);
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void OnPush()
        {
            var e = Grab(_stage._in);
            if (e.IsDone)
            {
                End();
                _pending.Enqueue(e);
            }
            else if (e.IsError)
            {
                _ended = true;
                _pending.Enqueue(e);
            }
            else
            {
                _transformer.OnChunk(e.Data.Span, _produced);
                Drain();
            }

            EmitOrPull();
        }

        public override void OnPull() => EmitOrPull();

        public override void OnUpstreamFinish()
        {
            // A stream cut short still gets its held-back text flushed, so nothing the model wrote is lost.
            End();
            if (_pending.Count == 0)
            {
                CompleteStage();
            }
            else if (IsAvailable(_stage._out))
            {
                EmitOrPull();
            }
        }

        private void End()
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _transformer.OnEnd(_produced);
            Drain();
        }

        private void Drain()
        {
            foreach (var payload in _produced)
            {
                _pending.Enqueue(new SseEvent(payload));
            }

            _produced.Clear();
        }

        private void EmitOrPull()
        {
            if (!IsAvailable(_stage._out))
            {
                return;
            }

            if (_pending.Count > 0)
            {
                Push(_stage._out, _pending.Dequeue());
                if (_pending.Count == 0 && IsClosed(_stage._in))
                {
                    CompleteStage();
                }

                return;
            }

            if (IsClosed(_stage._in))
            {
                CompleteStage();
            }
            else if (!HasBeenPulled(_stage._in))
            {
                Pull(_stage._in);
            }
        }
    }
}
