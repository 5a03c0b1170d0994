namespace Gateway.Streams.Relay;

/// <summary>The client side of a relay (the HTTP response body), kept free of ASP.NET types.</summary>
public interface IClientResponseWriter
{
    /// <summary>Writes bytes; completes when the client side can take more (this is the backpressure).</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    ValueTask FlushAsync(CancellationToken cancellationToken);
}
