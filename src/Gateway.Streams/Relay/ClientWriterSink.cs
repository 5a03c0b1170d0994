using Akka.Streams;
using Akka.Streams.Stage;

namespace Gateway.Streams.Relay;

/// <summary>
/// Writes each element to the client and pulls the next one only when the write has completed, so the client's
/// pace is the stream's pace. A write that completes synchronously (the usual case with Kestrel's pipe) costs no
/// task and no callback. Materializes a task that completes with the stream (or fails with it).
/// </summary>
internal sealed class ClientWriterSink<T> : GraphStageWithMaterializedValue<SinkShape<T>, Task>
{
    private readonly Func<T, ValueTask> _write;
    private readonly Inlet<T> _in = new("clientWriter.in");

    public ClientWriterSink(Func<T, ValueTask> write)
    {
        _write = write;
        Shape = new SinkShape<T>(_in);
    }

    public override SinkShape<T> Shape { get; }

    public override ILogicAndMaterializedValue<Task> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task>(new Logic(this, completion), completion.Task);
    }

    private sealed class Logic : InGraphStageLogic
    {
        private readonly ClientWriterSink<T> _stage;
        private readonly TaskCompletionSource _completion;
        private readonly Action<Task> _onWritten;
        private bool _writing;

        public Logic(ClientWriterSink<T> stage, TaskCompletionSource completion)
            : base(stage.Shape)
        {
            _stage = stage;
            _completion = completion;
            _onWritten = GetAsyncCallback<Task>(OnWritten);
            SetHandler(stage._in, this);
        }

        public override void PreStart() => Pull(_stage._in);

        public override void OnPush()
        {
            ValueTask write;
            try
            {
                write = _stage._write(Grab(_stage._in));
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }

            if (write.IsCompletedSuccessfully)
            {
                Pull(_stage._in);
                return;
            }

            _writing = true;
            write.AsTask().ContinueWith(_onWritten, TaskScheduler.Default);
        }

        public override void OnUpstreamFinish()
        {
            if (!_writing)
            {
                _completion.TrySetResult();
                CompleteStage();
            }
        }

        public override void OnUpstreamFailure(Exception e) => Fail(e);

        public override void PostStop() => _completion.TrySetException(new AbruptStageTerminationException(this));

        private void OnWritten(Task write)
        {
            _writing = false;
            if (!write.IsCompletedSuccessfully)
            {
                Fail(write.Exception?.GetBaseException() ?? new OperationCanceledException());
                return;
            }

            if (IsClosed(_stage._in))
            {
                _completion.TrySetResult();
                CompleteStage();
                return;
            }

            Pull(_stage._in);
        }

        private void Fail(Exception e)
        {
            _completion.TrySetException(e);
            FailStage(e);
        }
    }
}
