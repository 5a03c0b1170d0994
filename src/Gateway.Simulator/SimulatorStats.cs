using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>How one generation request (chat, completions, embeddings) ended.</summary>
internal enum RequestOutcome
{
    /// <summary>A 2xx response was written completely.</summary>
    Completed,

    /// <summary>An error response, a simulated failure or a server-side abort.</summary>
    Failed,

    /// <summary>The client went away before the response was complete.</summary>
    AbortedByClient,
}

/// <summary>
/// Live counters of generation requests (chat, completions, embeddings), the same numbers as <c>GET /sim/stats</c>.
/// <c>requests_total = completed + failed + aborted_by_client + in_flight</c> (until a reset while requests run).
/// </summary>
public sealed class SimulatorStats
{
    private long _requestsTotal;
    private long _completed;
    private long _failed;
    private long _abortedByClient;
    private long _inFlight;
    private long _maxInFlight;

    /// <summary>Generation requests received (including rejected ones).</summary>
    public long RequestsTotal => Interlocked.Read(ref _requestsTotal);

    /// <summary>Requests answered with a complete 2xx response.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Requests answered with an error (validation, <c>fail_status</c>, mid-stream error, server abort).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Requests whose client disconnected before the response was complete.</summary>
    public long AbortedByClient => Interlocked.Read(ref _abortedByClient);

    /// <summary>Requests being handled right now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>High-water mark of <see cref="InFlight"/> since start or the last reset.</summary>
    public long MaxInFlight => Interlocked.Read(ref _maxInFlight);

    /// <summary>Zeroes the counters; <see cref="MaxInFlight"/> restarts from the current <see cref="InFlight"/>.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _requestsTotal, 0);
        Interlocked.Exchange(ref _completed, 0);
        Interlocked.Exchange(ref _failed, 0);
        Interlocked.Exchange(ref _abortedByClient, 0);
        Interlocked.Exchange(ref _maxInFlight, Interlocked.Read(ref _inFlight));
    }

    internal void OnStarted()
    {
        Interlocked.Increment(ref _requestsTotal);
        var now = Interlocked.Increment(ref _inFlight);
        var max = Interlocked.Read(ref _maxInFlight);
        while (now > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxInFlight, now, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    internal void OnFinished(RequestOutcome outcome)
    {
        Interlocked.Decrement(ref _inFlight);
        switch (outcome)
        {
            case RequestOutcome.Completed:
                Interlocked.Increment(ref _completed);
                break;
            case RequestOutcome.AbortedByClient:
                Interlocked.Increment(ref _abortedByClient);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    internal void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("requests_total", RequestsTotal);
        writer.WriteNumber("completed", Completed);
        writer.WriteNumber("failed", Failed);
        writer.WriteNumber("aborted_by_client", AbortedByClient);
        writer.WriteNumber("in_flight", InFlight);
        writer.WriteNumber("max_in_flight", MaxInFlight);
        writer.WriteEndObject();
    }
}
