using Gateway.Streams.Relay;

namespace Gateway.Host.Observability;

/// <summary>
/// Wraps the relay's client writer and notes when the first event went out (the first token, as the client sees
/// it) and, when the upstream-attempt span is recorded, the finish reasons the stream carried: the only hooks
/// time-to-first-token and <c>gen_ai.response.finish_reasons</c> need, so the relay itself stays untouched.
/// </summary>
internal sealed class FirstWriteClock(IClientResponseWriter inner, TimeProvider time, bool collectFinishReasons = false) : IClientResponseWriter
{
    /// <summary>The <see cref="TimeProvider"/> timestamp of the first write, 0 before it.</summary>
    public long FirstWriteAt { get; private set; }

    /// <summary>The finish reasons written so far (only when asked to collect them).</summary>
    public List<string>? FinishReasons { get; } = collectFinishReasons ? [] : null;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Observe(bytes.Span);
        return inner.WriteAsync(bytes, cancellationToken);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        Observe(bytes.Span);
        return inner.WriteAndFlushAsync(bytes, cancellationToken);
    }

    /// <summary>Finish reasons are read from each event's own write.</summary>
    public bool NeedsOneWritePerEvent => FinishReasons is not null || inner.NeedsOneWritePerEvent;

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        if (FirstWriteAt == 0)
        {
            FirstWriteAt = time.GetTimestamp();
        }

        if (FinishReasons is { } reasons)
        {
            Observability.FinishReasons.Collect(bytes, reasons);
        }
    }
}
