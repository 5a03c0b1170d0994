namespace Gateway.Streams.Proxy;

/// <summary>
/// One upstream call's cancellation: the caller's token, a total timeout and optionally a shorter first phase
/// (the time to the response headers), all on one <see cref="CancellationTokenSource"/> and one timer of the
/// injected clock. The timer is armed for whichever ends first; <see cref="EndPhase"/> re-arms it for what is
/// left of the total. <see cref="TimedOut"/> and <see cref="PhaseTimedOut"/> tell the causes apart.
/// </summary>
internal sealed class RequestDeadline : IDisposable
{
    private static readonly Action<object?> CancelSource = static s => ((CancellationTokenSource)s!).Cancel();

    private readonly TimeProvider _time;
    private readonly TimeSpan _total;
    private readonly TimeSpan? _phase;
    private readonly long _start;
    private readonly CancellationToken _caller;
    private CancellationTokenSource _source;
    private CancellationTokenRegistration _callerRegistration;
    private bool _phaseArmed;

    public RequestDeadline(TimeSpan timeout, TimeProvider time, CancellationToken caller)
        : this(timeout, null, time, caller)
    {
    }

    /// <param name="phase">The first phase's own limit (null: none); the timer fires at the earlier of it and <paramref name="total"/>.</param>
    public RequestDeadline(TimeSpan total, TimeSpan? phase, TimeProvider time, CancellationToken caller)
    {
        _time = time;
        _total = total;
        _phase = phase;
        _caller = caller;
        _start = time.GetTimestamp();
        _source = Arm(total);
    }

    public CancellationToken Token => _source.Token;

    public bool CallerCancelled => _caller.IsCancellationRequested;

    /// <summary>The token fired because the total timeout passed, not the caller or the phase.</summary>
    public bool TimedOut => _source.IsCancellationRequested && !_caller.IsCancellationRequested && !_phaseArmed;

    /// <summary>The token fired because the first phase took longer than its own limit (the total has time left).</summary>
    public bool PhaseTimedOut => _source.IsCancellationRequested && !_caller.IsCancellationRequested && _phaseArmed;

    /// <summary>The first phase is over: from now on only the caller and the rest of the total count.</summary>
    public void EndPhase()
    {
        if (!_phaseArmed || _source.IsCancellationRequested)
        {
            return;
        }

        _phaseArmed = false;
        if (!IsInfinite(_total))
        {
            var left = _total - _time.GetElapsedTime(_start);
            _source.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }
        else
        {
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts the phase again (a retry): a fresh limit, within what is left of the total.</summary>
    public void RestartPhase()
    {
        if (_phase is null || _caller.IsCancellationRequested || TimedOut)
        {
            return;
        }

        var left = IsInfinite(_total) ? Timeout.InfiniteTimeSpan : _total - _time.GetElapsedTime(_start);
        if (!IsInfinite(left) && left <= TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }

        if (_source.IsCancellationRequested)
        {
            // The phase timer fired: a cancelled source cannot be re-armed, so this (rare) retry gets a new one.
            _callerRegistration.Dispose();
            _source.Dispose();
            _source = Arm(left);
            return;
        }

        _phaseArmed = IsShorter(_phase.Value, left);
        _source.CancelAfter(_phaseArmed ? _phase.Value : left);
    }

    public void Dispose()
    {
        _callerRegistration.Dispose();
        _source.Dispose();
    }

    private CancellationTokenSource Arm(TimeSpan left)
    {
        _phaseArmed = _phase is { } phase && IsShorter(phase, left);
        var source = new CancellationTokenSource(_phaseArmed ? _phase!.Value : left, _time);
        _callerRegistration = _caller.UnsafeRegister(CancelSource, source);
        return source;
    }

    private static bool IsShorter(TimeSpan phase, TimeSpan left) => !IsInfinite(phase) && (IsInfinite(left) || phase < left);

    private static bool IsInfinite(TimeSpan span) => span == Timeout.InfiniteTimeSpan;
}
