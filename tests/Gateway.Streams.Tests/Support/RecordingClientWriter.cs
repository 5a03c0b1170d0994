using System.Text;
using Gateway.Streams.Relay;

namespace Gateway.Streams.Tests.Support;

/// <summary>A client that records what it is sent and how often it was flushed; it can stall or fail.</summary>
public sealed class RecordingClientWriter : IClientResponseWriter
{
    private readonly MemoryStream _bytes = new();

    public Func<Task>? BeforeWrite { get; init; }

    /// <summary>Asks the relay for one write per event (as a writer that reads each event does).</summary>
    public bool NeedsOneWritePerEvent { get; init; }

    public int Flushes { get; private set; }

    /// <summary>How many writes the client was handed (a frame written in place is one).</summary>
    public int Writes { get; private set; }

    public string Text => Encoding.UTF8.GetString(_bytes.ToArray());

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (BeforeWrite is { } before)
        {
            await before().WaitAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Writes++;
        _bytes.Write(bytes.Span);
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        Flushes++;
        return ValueTask.CompletedTask;
    }
}
