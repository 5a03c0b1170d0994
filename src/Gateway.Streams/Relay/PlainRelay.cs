using System.Buffers;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Relay;

/// <summary>
/// Reads a whole (non-streaming) upstream body, bounded in size, and applies the response transform. No stream
/// is materialized here: plain requests are the throughput path. A body with a <c>Content-Length</c> is read into
/// one array of exactly that size (no growth, no copy); only a body without one, or one longer than it declared,
/// grows a buffer.
/// </summary>
public static class PlainRelay
{
    public const int DefaultMaxBodyBytes = 64 * 1024 * 1024;

    private const int UnknownLengthBytes = 4096;
    private const int ReadBytes = 8192;

    /// <summary>Returns the body to send, or the error to answer with instead.</summary>
    public static async ValueTask<(ReadOnlyMemory<byte> Body, GatewayError? Error)> ReadAsync(UpstreamResponse response, ResponseTransform? transform, int maxBodyBytes = DefaultMaxBodyBytes)
    {
        try
        {
            var length = response.Message.Content.Headers.ContentLength;
            if (length > maxBodyBytes)
            {
                return (default, UpstreamErrorMapper.ResponseTooLarge(maxBodyBytes));
            }

            ReadOnlyMemory<byte> body;
            await using (var stream = await response.Message.Content.ReadAsStreamAsync(response.Token).ConfigureAwait(false))
            {
                var read = length is { } declared
                    ? await ReadDeclaredAsync(stream, (int)declared, maxBodyBytes, response.Token).ConfigureAwait(false)
                    : await ReadToEndAsync(stream, null, maxBodyBytes, response.Token).ConfigureAwait(false);
                if (read is not { } whole)
                {
                    return (default, UpstreamErrorMapper.ResponseTooLarge(maxBodyBytes));
                }

                body = whole;
            }

            return (transform is null ? body : transform.Plain(body), null);
        }
        catch (Exception e)
        {
            return (default, UpstreamErrorMapper.FromBodyFailure(e, response.ClientAborted, response.TimedOut));
        }
    }

    /// <summary>
    /// Fills an array of the declared length, then checks that the body ends there. A body that ends early is
    /// what arrived (as before: HttpClient itself fails one cut short); one that goes on is read to its end in a
    /// growing buffer. Null when the body is over <paramref name="maxBodyBytes"/>.
    /// </summary>
    private static async ValueTask<ReadOnlyMemory<byte>?> ReadDeclaredAsync(Stream stream, int declared, int maxBodyBytes, CancellationToken ct)
    {
        // One spare byte: the read that finds the end (it returns 0 at once for a Content-Length body) needs room.
        var buffer = new byte[declared + 1];
        var filled = 0;
        while (filled < declared)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled, declared - filled), ct).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.AsMemory(0, filled);
            }

            filled += read;
        }

        if (await stream.ReadAsync(buffer.AsMemory(declared, 1), ct).ConfigureAwait(false) == 0)
        {
            return buffer.AsMemory(0, declared);
        }

        // Longer than declared: keep every byte, as a body without a length would be.
        var rest = new ArrayBufferWriter<byte>(declared + 1 + ReadBytes);
        rest.Write(buffer);
        return await ReadToEndAsync(stream, rest, maxBodyBytes, ct).ConfigureAwait(false);
    }

    private static async ValueTask<ReadOnlyMemory<byte>?> ReadToEndAsync(Stream stream, ArrayBufferWriter<byte>? buffer, int maxBodyBytes, CancellationToken ct)
    {
        buffer ??= new ArrayBufferWriter<byte>(UnknownLengthBytes);
        if (buffer.WrittenCount > maxBodyBytes)
        {
            return null;
        }

        while (true)
        {
            var memory = buffer.GetMemory(ReadBytes);
            var read = await stream.ReadAsync(memory, ct).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > maxBodyBytes)
            {
                return null;
            }
        }
    }
}
