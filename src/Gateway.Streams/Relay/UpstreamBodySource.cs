using System.Buffers;
using Akka;
using Akka.Streams.Dsl;
using Akka.Util;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Relay;

/// <summary>
/// The upstream response body as a stream of byte chunks, read with async reads only when downstream asks
/// (so a slow client slows the upstream read). Closing the source disposes the response, which closes the
/// connection to vLLM.
/// </summary>
public static class UpstreamBodySource
{
    private const int ReadSize = 16 * 1024;

    public static Source<ReadOnlyMemory<byte>, NotUsed> Create(UpstreamResponse response) =>
        Source.UnfoldResourceAsync<ReadOnlyMemory<byte>, Reader>(
            async () => new Reader(await response.Message.Content.ReadAsStreamAsync(response.Token).ConfigureAwait(false), response),
            reader => reader.ReadAsync(),
            reader => reader.CloseAsync());

    private sealed class Reader(Stream stream, UpstreamResponse response)
    {
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(ReadSize);

        public async Task<Option<ReadOnlyMemory<byte>>> ReadAsync()
        {
            var buffer = _buffer ?? throw new ObjectDisposedException(nameof(Reader));
            var read = await stream.ReadAsync(buffer, response.Token).ConfigureAwait(false);
            return read == 0 ? Option<ReadOnlyMemory<byte>>.None : Option<ReadOnlyMemory<byte>>.Create(buffer.AsSpan(0, read).ToArray());
        }

        public async Task<Done> CloseAsync()
        {
            if (_buffer is { } buffer)
            {
                _buffer = null;
                ArrayPool<byte>.Shared.Return(buffer);
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            return Done.Instance;
        }
    }
}
