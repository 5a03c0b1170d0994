using Gateway.Streams.Relay;

namespace Gateway.Host.Observability;

/// <summary>
/// Wraps a stream relay's client writer for a request whose content is logged: every write the client receives is
/// also handed to its <see cref="ContentCapture"/>, so the completion logged is exactly what was relayed (a stream cut
/// short logs what went out). Only created for those requests; the relay itself is untouched.
/// </summary>
internal sealed class ContentCaptureWriter(IClientResponseWriter inner, ContentCapture capture) : IClientResponseWriter
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        capture.CollectStreamWrite(bytes.Span);
        return inner.WriteAsync(bytes, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        capture.CollectStreamWrite(bytes.Span);
        return inner.WriteAndFlushAsync(bytes, cancellationToken);
    }

    /// <summary>The capture parses each event from its own write.</summary>
    public bool NeedsOneWritePerEvent => true;
}
