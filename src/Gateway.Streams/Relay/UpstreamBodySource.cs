using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Akka.Streams;
using Akka;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Relay;

/// <summary>
/// The upstream response body as a stream of byte chunks. It reads only when downstream pulls, one read at a
/// time and with no prefetch, so a client that stops reading stops the upstream reads and TCP pushes back on
/// vLLM. (The built-in resource sources run on the blocking-IO dispatcher behind a 16-element buffer.)
/// When the stage stops for any reason it disposes the response body, which closes the connection to vLLM.
/// </summary>
internal sealed class UpstreamBodySource : GraphStage<SourceShape<ReadOnlyMemory<byte>>>
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
        private readonly Action<ReadCompleted> _onRead;
        private byte[]? _buffer;
        private Stream? _stream;

        public Logic(UpstreamBodySource stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _onRead = GetAsyncCallback<ReadCompleted>(OnRead);
            SetHandler(stage._out, this);
        }

        public override void OnPull() => _ = ReadAsync();

        // The response owner disposes the body too (UpstreamResponse.Dispose); this closes it as early as possible.
        // The read buffer is not pooled: a read may still be in flight when the stage stops.
        public override void PostStop() => _stream?.Dispose();

        /// <summary>One read (opening the body first if needed); its outcome re-enters the stage through the async callback.</summary>
        private async Task ReadAsync()
        {
            try
            {
                var token = _stage._response.Token;
                if (_stream is null)
                {
                    var stream = await _stage._response.Message.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                    _buffer = new byte[ReadSize];
                    _stream = stream;
                }

                var read = await _stream.ReadAsync(_buffer.AsMemory(), token).ConfigureAwait(false);
                _onRead(new ReadCompleted(read == 0 ? null : _buffer.AsSpan(0, read).ToArray(), null));
            }
            catch (Exception e)
            {
                _onRead(new ReadCompleted(null, e));
            }
        }

        private void OnRead(ReadCompleted read)
        {
            if (read.Error is not null)
            {
                FailStage(read.Error);
            }
            else if (read.Chunk is null)
            {
                CompleteStage();
            }
            else
            {
                Push(_stage._out, (ReadOnlyMemory<byte>)read.Chunk);
            }
        }
    }

    private readonly record struct ReadCompleted(byte[]? Chunk, Exception? Error);
}
