using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>Reads a request body from <see cref="HttpRequest.BodyReader"/> straight into a <see cref="JsonDocument"/>.</summary>
internal static class JsonRequestReader
{
    /// <summary>vLLM's <c>validate_json_request</c>: the media type must be exactly <c>application/json</c>.</summary>
    public static bool HasJsonContentType(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        var media = (semicolon >= 0 ? span[..semicolon] : span).Trim();
        return media.Equals(JsonResponses.ContentType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Reads the whole body and parses it without copying. Returns null (and releases the body) when it is not valid
    /// JSON. I/O failures and cancellation propagate.
    /// </summary>
    public static async ValueTask<RequestJson?> ReadAsync(PipeReader reader, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
            var buffer = result.Buffer;
            if (result.IsCompleted || result.IsCanceled)
            {
                JsonDocument? document = null;
                try
                {
                    document = buffer.IsEmpty ? null : JsonDocument.Parse(buffer);
                }
                catch (JsonException)
                {
                    document = null;
                }

                if (document is null)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }

                return new RequestJson(document, reader, buffer.End);
            }

            // Not complete yet: consume nothing, but tell the pipe everything has been examined.
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

/// <summary>
/// A parsed request body that still points into the request pipe's memory; disposing it releases both the
/// document and the pipe buffer (which must not be recycled while the document is in use).
/// </summary>
internal sealed class RequestJson(JsonDocument document, PipeReader reader, SequencePosition end) : IDisposable
{
    private bool _disposed;

    public JsonElement Root => document.RootElement;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        document.Dispose();
        try
        {
            reader.AdvanceTo(end);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or IOException)
        {
            // The connection is already gone (or was aborted on purpose); there is nothing left to release.
        }
    }
}
