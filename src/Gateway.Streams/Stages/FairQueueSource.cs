using Akka.Streams;
using Akka.Streams.Stage;
using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;

namespace Gateway.Streams.Stages;

/// <summary>
/// The head of a model's pipeline: emits the requests of a <see cref="FairQueue"/> in fair order, one per pull,
/// so a request leaves the queue only when the stages below (and an in-flight slot) can take it. Materialized
/// once with the pipeline. Completes when the queue is closed.
/// </summary>
internal sealed class FairQueueSource(FairQueue queue) : GraphStage<SourceShape<ProxyRequest>>
{
    private readonly Outlet<ProxyRequest> _out = new("fairQueue.out");
    private readonly FairQueue _queue = queue;
    private SourceShape<ProxyRequest>? _shape;

    public override SourceShape<ProxyRequest> Shape => _shape ??= new(_out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly FairQueueSource _stage;
        private Action? _wake;

        public Logic(FairQueueSource stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._out, this);
        }

        public override void PreStart()
        {
            var callback = GetAsyncCallback(TryPush);
            _wake = () => callback();
        }

        public override void OnPull() => TryPush();

        private void TryPush()
        {
            if (!IsAvailable(_stage._out))
            {
                return;
            }

            if (_stage._queue.TryDequeue(_wake!, out var request))
            {
                Push(_stage._out, request!);
            }
            else if (_stage._queue.IsClosed)
            {
                CompleteStage();
            }
        }
    }
}
