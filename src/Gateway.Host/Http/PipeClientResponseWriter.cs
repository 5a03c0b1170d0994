using System.Buffers;
using System.IO.Pipelines;
using Gateway.Streams.Relay;

namespace Gateway.Host.Http;

/// <summary>
/// The relay's client side over Kestrel's response pipe. A write only copies into the pipe (no send, no task);
/// the flush sends what was written and waits while the client is not reading, which is the backpressure.
/// </summary>
internal sealed class PipeClientResponseWriter(PipeWriter writer) : IClientResponseWriter
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        writer.Write(bytes.Span);
        return ValueTask.CompletedTask;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        // A flush that completes at once (the client keeps up) finishes synchronously without allocating.
        var result = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw Closed();
        }
    }

    /// <summary>
    /// Kestrel's own write-and-flush: the bytes go straight to the connection's output. Before the response has
    /// started this also spares the block Kestrel would rent to hold bytes written ahead of the headers.
    /// </summary>
    public async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var result = await writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw Closed();
        }
    }

    private static OperationCanceledException Closed() => new("The client response is closed.");
}
