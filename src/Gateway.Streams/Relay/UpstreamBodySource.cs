using System.Buffers;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Relay;

/// <summary>
/// The upstream response body as a stream of byte chunks. It reads only when downstream pulls, one read at a
/// time and with no prefetch, so a client that stops reading stops the upstream reads and TCP pushes back on
/// vLLM. (The built-in resource sources run on the blocking-IO dispatcher behind a 16-element buffer.)
/// When the stage stops for any reason it disposes the response body, which closes the connection to vLLM.
/// </summary>
public sealed class UpstreamBodySource : GraphStage<SourceShape<ReadOnlyMemory<byte>>>
{
    private const int ReadSize = 16 * 1024;
    private readonly UpstreamResponse _response;
    private readonly Outlet<ReadOnlyMemory<byte>> _out = new("upstreamBody.out");

    public UpstreamBodySource(UpstreamResponse response)
    {
        _response = response;
        Shape = new SourceShape<ReadOnlyMemory<byte>>(_out);
    }

    public override SourceShape<ReadOnlyMemory<byte>> Shape { get; }

    public static Source<ReadOnlyMemory<byte>, NotUsed> Create(UpstreamResponse response) => Source.FromGraph(new UpstreamBodySource(response));

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly UpstreamBodySource _stage;
        private readonly Action<Task<int>> _onRead;
        private readonly Action<Task<Stream>> _onOpened;
        private byte[]? _buffer;
        private Stream? _stream;

        public Logic(UpstreamBodySource stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _onRead = GetAsyncCallback<Task<int>>(OnRead);
            _onOpened = GetAsyncCallback<Task<Stream>>(OnOpened);
            SetHandler(stage._out, this);
        }

        public override void OnPull()
        {
            if (_stream is null)
            {
                _stage._response.Message.Content.ReadAsStreamAsync(_stage._response.Token).ContinueWith(_onOpened, TaskScheduler.Default);
                return;
            }

            StartRead();
        }

        public override void PostStop()
        {
            _stream?.Dispose();
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void OnOpened(Task<Stream> opened)
        {
            if (!opened.IsCompletedSuccessfully)
            {
                FailStage(opened.Exception?.GetBaseException() ?? new OperationCanceledException());
                return;
            }

            _stream = opened.Result;
            _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
            StartRead();
        }

        private void StartRead()
        {
            var read = _stream!.ReadAsync(_buffer.AsMemory(), _stage._response.Token);
            if (read.IsCompleted)
            {
                OnRead(read.AsTask());
                return;
            }

            read.AsTask().ContinueWith(_onRead, TaskScheduler.Default);
        }

        private void OnRead(Task<int> read)
        {
            if (!read.IsCompletedSuccessfully)
            {
                FailStage(read.Exception?.GetBaseException() ?? new OperationCanceledException());
                return;
            }

            if (read.Result == 0)
            {
                CompleteStage();
                return;
            }

            Push(_stage._out, (ReadOnlyMemory<byte>)_buffer.AsSpan(0, read.Result).ToArray());
        }
    }
}
