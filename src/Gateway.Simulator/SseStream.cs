using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// Writes server-sent events exactly as vLLM frames them: <c>data: &lt;compact JSON&gt;\n\n</c>, no other lines,
/// each event flushed to the socket at once. JSON goes straight from a <see cref="Utf8JsonWriter"/> into the
/// response <see cref="PipeWriter"/>.
/// </summary>
internal sealed class SseStream : IDisposable
{
    public const string ContentType = "text/event-stream; charset=utf-8";

    private readonly PipeWriter _body;
    private readonly Utf8JsonWriter _json;

    public SseStream(PipeWriter body)
    {
        _body = body;
        _json = new Utf8JsonWriter(body, PyJson.WriterOptions);
    }

    /// <summary>Data events written so far (<c>[DONE]</c> not included).</summary>
    public int EventsWritten { get; private set; }

    /// <summary>Starts an event and returns the writer for its JSON payload; finish with <see cref="EndEventAsync"/>.</summary>
    public Utf8JsonWriter BeginEvent()
    {
        _body.Write("data: "u8);
        _json.Reset(_body);
        return _json;
    }

    /// <summary>Fault injection: end the next event with a single newline, so it merges into the following one.</summary>
    public bool OmitNextBlankLine { get; set; }

    /// <summary>Ends the event and flushes it; false when the client is gone.</summary>
    public ValueTask<bool> EndEventAsync(CancellationToken ct)
    {
        _json.Flush();
        _body.Write(OmitNextBlankLine ? "\n"u8 : "\n\n"u8);
        OmitNextBlankLine = false;
        EventsWritten++;
        return FlushAsync(ct);
    }

    /// <summary>Writes an event whose payload is already serialised.</summary>
    public ValueTask<bool> WriteEventAsync(ReadOnlySpan<byte> payload, CancellationToken ct)
    {
        _body.Write("data: "u8);
        _body.Write(payload);
        _body.Write("\n\n"u8);
        EventsWritten++;
        return FlushAsync(ct);
    }

    /// <summary>The terminator <c>data: [DONE]\n\n</c>.</summary>
    public ValueTask<bool> WriteDoneAsync(CancellationToken ct)
    {
        _body.Write("data: [DONE]\n\n"u8);
        return FlushAsync(ct);
    }

    /// <summary>Pushes buffered bytes (or just the headers) to the client; false when the client is gone.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken ct)
    {
        var result = await _body.FlushAsync(ct);
        return !result.IsCompleted && !result.IsCanceled;
    }

    public void Dispose() => _json.Dispose();
}
