using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>Writes a complete (non-streaming) JSON response with <c>Content-Length</c>, like Starlette's <c>JSONResponse</c>.</summary>
internal static class JsonResponses
{
    public const string ContentType = "application/json";

    /// <summary>Writes the body produced by <paramref name="write"/>; returns false when the client is gone.</summary>
    public static async ValueTask<bool> WriteAsync<TState>(HttpContext context, int status, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, PyJson.WriterOptions))
        {
            write(writer, state);
        }

        return await WriteBytesAsync(context, status, ContentType, buffer.WrittenMemory);
    }

    /// <summary>Writes <paramref name="body"/> with the given status and content type; returns false when the client is gone.</summary>
    public static async ValueTask<bool> WriteBytesAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        var result = await response.BodyWriter.WriteAsync(body, context.RequestAborted);
        return !result.IsCompleted && !result.IsCanceled;
    }
}
