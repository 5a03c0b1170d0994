using System.Buffers;
using System.IO.Pipelines;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Http;

/// <summary>
/// Reads a request body into memory, refusing it with 413 as soon as more than the cap has been read: the
/// count is on the bytes actually received, so a chunked body without <c>Content-Length</c> is capped too.
/// </summary>
internal static class RequestBodyReader
{
    public static async ValueTask<(ReadOnlyMemory<byte> Body, GatewayError? Error)> ReadAsync(HttpRequest request, long cap, CancellationToken ct)
    {
        if (request.ContentLength is { } declared && declared > cap)
        {
            return (default, GatewayError.PayloadTooLarge(cap, declared));
        }

        var reader = request.BodyReader;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(cap, request.ContentLength ?? 4096) + 1);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(ct);
            var chunk = result.Buffer;
            if (buffer.WrittenCount + chunk.Length > cap)
            {
                reader.AdvanceTo(chunk.End);
                return (default, GatewayError.PayloadTooLarge(cap, null));
            }

            foreach (var segment in chunk)
            {
                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(chunk.End);
            if (result.IsCompleted)
            {
                return (buffer.WrittenMemory, null);
            }
        }
    }
}
