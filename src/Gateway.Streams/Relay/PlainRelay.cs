using System.Buffers;
using Gateway.Streams.Proxy;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Relay;

/// <summary>
/// Reads a whole (non-streaming) upstream body, bounded in size, and applies the response transform. No stream
/// is materialized here: plain requests are the throughput path.
/// </summary>
public static class PlainRelay
{
    public const int DefaultMaxBodyBytes = 64 * 1024 * 1024;

    /// <summary>Returns the body to send, or the error to answer with instead.</summary>
    public static async Task<(ReadOnlyMemory<byte> Body, GatewayError? Error)> ReadAsync(UpstreamResponse response, ResponseTransform? transform, int maxBodyBytes = DefaultMaxBodyBytes)
    {
        try
        {
            var length = response.Message.Content.Headers.ContentLength;
            if (length > maxBodyBytes)
            {
                return (default, UpstreamErrorMapper.ResponseTooLarge(maxBodyBytes));
            }

            var buffer = new ArrayBufferWriter<byte>(length is > 0 ? (int)length.Value : 4096);
            await using (var stream = await response.Message.Content.ReadAsStreamAsync(response.Token).ConfigureAwait(false))
            {
                while (true)
                {
                    var memory = buffer.GetMemory(8192);
                    var read = await stream.ReadAsync(memory, response.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.Advance(read);
                    if (buffer.WrittenCount > maxBodyBytes)
                    {
                        return (default, UpstreamErrorMapper.ResponseTooLarge(maxBodyBytes));
                    }
                }
            }

            ReadOnlyMemory<byte> body = buffer.WrittenMemory;
            return (transform is null ? body : transform.Plain(body), null);
        }
        catch (Exception e)
        {
            return (default, UpstreamErrorMapper.FromBodyFailure(e, response.ClientAborted, response.TimedOut));
        }
    }
}
