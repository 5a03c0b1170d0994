using Akka.Streams;
using Akka.Streams.Stage;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Stages;

/// <summary>
/// Base of the pipeline's admission stages: each request either passes on or is answered at once with an
/// error on its own response channel (and so leaves the stream). A stage never fails the shared stream
/// because of one request.
/// </summary>
internal abstract class RequestGateStage : GraphStage<FlowShape<ProxyRequest, ProxyRequest>>
{
    private readonly Inlet<ProxyRequest> _in;
    private readonly Outlet<ProxyRequest> _out;

    protected RequestGateStage(string name)
    {
        _in = new Inlet<ProxyRequest>(name + ".in");
        _out = new Outlet<ProxyRequest>(name + ".out");
        Shape = new FlowShape<ProxyRequest, ProxyRequest>(_in, _out);
    }

    public override FlowShape<ProxyRequest, ProxyRequest> Shape { get; }

    /// <summary>Returns null to let the request through, or the error to answer it with.</summary>
    protected abstract GatewayError? Admit(ProxyRequest request);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly RequestGateStage _stage;

        public Logic(RequestGateStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void OnPush()
        {
            var request = Grab(_stage._in);
            GatewayError? error;
            try
            {
                // A request already answered (its client left, or it expired in the queue) passes no further.
                error = request.ClientAborted.IsCancellationRequested || request.IsAnswered ? GatewayError.ClientClosed : _stage.Admit(request);
            }
            catch (Exception e)
            {
                error = GatewayError.InternalError($"The gateway failed to admit the request ({e.GetType().Name}).");
            }

            if (error is null)
            {
                Push(_stage._out, request);
                return;
            }

            request.Reject(error);
            if (!HasBeenPulled(_stage._in))
            {
                Pull(_stage._in);
            }
        }

        public override void OnPull() => Pull(_stage._in);
    }
}
