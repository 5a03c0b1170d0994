using System.Buffers;
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
        private Stream? _stream;
        private CancellationTokenRegistration _closeOnCancel;

        public Logic(UpstreamBodySource stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _onRead = GetAsyncCallback<ReadCompleted>(OnRead);
            SetHandler(stage._out, this);
        }

        public override void OnPull() => _ = ReadAsync();

        // The response owner disposes the body too (UpstreamResponse.Dispose); this closes it as early as possible.
        public override void PostStop()
        {
            _closeOnCancel.Dispose();
            _stream?.Dispose();
        }

        /// <summary>
        /// One read (opening the body first if needed); its outcome re-enters the stage through the async callback.
        /// A zero-byte read waits for data without holding a buffer, so a held, quiet stream costs no read buffer;
        /// the pooled buffer is rented only while bytes are ready, and each chunk handed on is a fresh array that
        /// nobody changes afterwards (the framing stage slices its events out of it).
        /// </summary>
        private async Task ReadAsync()
        {
            try
            {
                var token = _stage._response.Token;
                if (_stream is null)
                {
                    _stream = await _stage._response.OpenBodyAsync(token).ConfigureAwait(false);

                    // A client that leaves (or the deadline) closes the upstream body at once, even while the relay
                    // is waiting on a client write rather than on a read.
                    _closeOnCancel = token.UnsafeRegister(static s => ((Stream)s!).Dispose(), _stream);
                }

                await _stream.ReadAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
                byte[]? chunk;
                try
                {
                    var read = await _stream.ReadAsync(buffer.AsMemory(0, ReadSize), token).ConfigureAwait(false);
                    chunk = read == 0 ? null : buffer.AsSpan(0, read).ToArray();
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                _onRead(new ReadCompleted(chunk, null));
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
