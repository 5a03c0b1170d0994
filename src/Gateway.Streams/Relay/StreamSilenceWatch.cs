namespace Gateway.Streams.Relay;

/// <summary>
/// A stream's phase timeouts on one timer for the whole stream (nothing per event): the silence since the relay
/// last heard from the upstream (or since the start) is checked when the timer fires, and the timer is set again
/// for what is left. Before the first event the shorter of the two limits applies (time to first token); time spent
/// writing to a slow client is not upstream silence. When the limit passes, <see cref="TimedOut"/> is set and
/// <paramref name="onTimeout"/> runs (the relay closes the upstream body, which ends the pending read).
/// </summary>
internal sealed class StreamSilenceWatch : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _first;
    private readonly TimeSpan _between;
    private readonly Action _onTimeout;
    private readonly ITimer _timer;
    private readonly object _gate = new();
    private long _silentSince;
    private volatile bool _heard;
    private volatile bool _writing;
    private bool _disposed;

    private StreamSilenceWatch(TimeProvider time, TimeSpan first, TimeSpan between, Action onTimeout)
    {
        _time = time;
        _first = first;
        _between = between;
        _onTimeout = onTimeout;
        _silentSince = time.GetTimestamp();
        _timer = time.CreateTimer(static s => ((StreamSilenceWatch)s!).Check(), this, first, Timeout.InfiniteTimeSpan);
    }

    public bool TimedOut { get; private set; }

    /// <summary>A watch for <paramref name="timeouts"/>, or null when they set no limit.</summary>
    public static StreamSilenceWatch? Start(StreamTimeouts? timeouts, Action onTimeout)
    {
        if (timeouts is null || (timeouts.FirstEvent is null && timeouts.BetweenEvents is null))
        {
            return null;
        }

        var between = timeouts.BetweenEvents ?? Timeout.InfiniteTimeSpan;
        var first = timeouts.FirstEvent is { } f && (timeouts.BetweenEvents is not { } b || f < b) ? f : between;
        return new StreamSilenceWatch(timeouts.Time, first, between, onTimeout);
    }

    /// <summary>A read brought events: they are being written to the client (not silence).</summary>
    public void Writing() => _writing = true;

    /// <summary>The events of a read reached the client: the silence starts again from now.</summary>
    public void Heard()
    {
        Volatile.Write(ref _silentSince, _time.GetTimestamp());
        _writing = false;
        if (!_heard)
        {
            // The first event: from now on the limit between events applies (it may be shorter than the first one).
            _heard = true;
            lock (_gate)
            {
                if (!_disposed && !TimedOut)
                {
                    _timer.Change(_between, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }

    private void Check()
    {
        lock (_gate)
        {
            if (_disposed || TimedOut)
            {
                return;
            }

            var limit = _heard ? _between : _first;
            if (limit == Timeout.InfiniteTimeSpan)
            {
                return; // a limit to the first event only, and it came
            }

            var silent = _time.GetElapsedTime(Volatile.Read(ref _silentSince));
            if (_writing || silent < limit)
            {
                _timer.Change(_writing ? limit : limit - silent, Timeout.InfiniteTimeSpan);
                return;
            }

            TimedOut = true;
        }

        _onTimeout();
    }
}
