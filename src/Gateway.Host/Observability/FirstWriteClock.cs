using Gateway.Streams.Relay;

namespace Gateway.Host.Observability;

/// <summary>
/// Wraps the relay's client writer and notes when the first event went out (the first token, as the client sees
/// it): the only hook time-to-first-token needs, so the relay itself stays untouched.
/// </summary>
internal sealed class FirstWriteClock(IClientResponseWriter inner, TimeProvider time) : IClientResponseWriter
{
    /// <summary>The <see cref="TimeProvider"/> timestamp of the first write, 0 before it.</summary>
    public long FirstWriteAt { get; private set; }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (FirstWriteAt == 0)
        {
            FirstWriteAt = time.GetTimestamp();
        }

        return inner.WriteAsync(bytes, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
