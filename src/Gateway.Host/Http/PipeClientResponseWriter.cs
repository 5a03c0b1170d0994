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

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var flush = writer.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            // Already completed: reading the result does not block (the usual ValueTask fast path, no state machine).
            return Check(flush.Result);
        }

        return AwaitFlushAsync(flush);
    }

    private static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await Check(await flush.ConfigureAwait(false)).ConfigureAwait(false);

    private static ValueTask Check(FlushResult result) =>
        result.IsCanceled || result.IsCompleted ? ValueTask.FromException(Closed()) : ValueTask.CompletedTask;

    private static OperationCanceledException Closed() => new("The client response is closed.");
}
