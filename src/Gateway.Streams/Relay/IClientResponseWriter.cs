namespace Gateway.Streams.Relay;

/// <summary>The client side of a relay (the HTTP response body), kept free of ASP.NET types.</summary>
public interface IClientResponseWriter
{
    /// <summary>Writes bytes; may only buffer them until the next flush. Completes when the bytes are taken.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken);

    /// <summary>Sends what was written; completes when the client side can take more (this is the backpressure).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Writes bytes and sends them (the last write of an upstream read): one call where the writer has one.</summary>
    async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// True when each write must hold exactly one event (a writer that reads the events it passes on); otherwise the
    /// relay may hand over several events framed as vLLM sent them in one write.
    /// </summary>
    bool NeedsOneWritePerEvent => false;
}
