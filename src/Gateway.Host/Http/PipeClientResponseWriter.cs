using System.IO.Pipelines;
using Gateway.Streams.Relay;

namespace Gateway.Host.Http;

/// <summary>The relay's client side over Kestrel's response pipe: a flush waits while the client is not reading.</summary>
internal sealed class PipeClientResponseWriter(PipeWriter writer) : IClientResponseWriter
{
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var result = await writer.WriteAsync(bytes, cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client response is closed.");
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await writer.FlushAsync(cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client response is closed.");
        }
    }
}
