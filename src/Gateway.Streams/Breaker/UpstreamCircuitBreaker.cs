namespace Gateway.Streams.Breaker;

/// <summary>
/// Outlier ejection for one upstream replica. After <c>failureThreshold</c> gateway failures in a row (connect
/// refused or timed out, reset before headers, 502/503/504, time-to-first-token timeout, stream dropped before
/// <c>[DONE]</c>; never a client's 4xx or a request-specific 500) the replica is ejected. An ejection lasts
/// <c>cooldown</c> the first time and doubles with each ejection in a row, capped at <c>maxEjection</c>. It ends
/// early when a health probe passes (<see cref="ProbePassed"/>). Then exactly one trial request goes through
/// (half-open): its success returns the replica to service, its failure ejects it again for longer.
/// Thread-safe; shared by every request to the replica.
/// </summary>
public sealed class UpstreamCircuitBreaker
{
    private readonly object _gate = new();
    private readonly int _failureThreshold;
    private readonly TimeSpan _cooldown;
    private readonly TimeSpan _maxEjection;
    private readonly TimeProvider _time;
    private int _consecutiveFailures;
    private int _ejectionsInARow;
    private long _ejections;
    private long _openedAt;
    private TimeSpan _ejection;
    private bool _open;
    private bool _probeCleared;
    private bool _trialInFlight;
    private CircuitState _lastReported = CircuitState.Closed;

    public UpstreamCircuitBreaker(int failureThreshold, TimeSpan cooldown, bool enabled = true, TimeProvider? time = null, TimeSpan? maxEjection = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failureThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cooldown, TimeSpan.Zero);
        _failureThreshold = failureThreshold;
        _cooldown = cooldown;
        _maxEjection = maxEjection is { } max && max > cooldown ? max : cooldown;
        Enabled = enabled;
        _time = time ?? TimeProvider.System;
    }

    public bool Enabled { get; }

    /// <summary>Consecutive failures that open the breaker.</summary>
    public int FailureThreshold => _failureThreshold;

    /// <summary>How long the breaker stays open before a trial request.</summary>
    public TimeSpan Cooldown => _cooldown;

    /// <summary>Raised (outside the lock) when the observed state changes.</summary>
    public event Action<CircuitState>? StateChanged;

    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return CurrentState();
            }
        }
    }

    /// <summary>Gateway failures in a row (reset by a success).</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
            {
                return _consecutiveFailures;
            }
        }
    }

    /// <summary>Ejections in a row (each one longer than the last); 0 once a trial succeeded.</summary>
    public int EjectionsInARow
    {
        get
        {
            lock (_gate)
            {
                return _ejectionsInARow;
            }
        }
    }

    /// <summary>Ejections since start (for metrics).</summary>
    public long Ejections => Interlocked.Read(ref _ejections);

    /// <summary>While ejected: the time left until the trial at the latest (a passing probe ends it sooner).</summary>
    public TimeSpan? EjectedFor
    {
        get
        {
            lock (_gate)
            {
                return CurrentState() == CircuitState.Open ? _ejection - _time.GetElapsedTime(_openedAt) : null;
            }
        }
    }

    /// <summary>Asks to send one request. When refused, <paramref name="retryAfter"/> is the time left in the ejection.</summary>
    public bool TryAcquire(out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!Enabled)
        {
            return true;
        }

        CircuitState? changed;
        bool allowed;
        lock (_gate)
        {
            var state = CurrentState();
            switch (state)
            {
                case CircuitState.Closed:
                    allowed = true;
                    break;
                case CircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    allowed = true;
                    break;
                case CircuitState.HalfOpen:
                    allowed = false;
                    retryAfter = TimeSpan.FromSeconds(1);
                    break;
                default:
                    allowed = false;
                    retryAfter = _ejection - _time.GetElapsedTime(_openedAt);
                    break;
            }

            changed = Observe(state);
        }

        Notify(changed);
        return allowed;
    }

    public void RecordSuccess()
    {
        if (!Enabled)
        {
            return;
        }

        CircuitState? changed;
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _ejectionsInARow = 0;
            _open = false;
            _trialInFlight = false;
            changed = Observe(CircuitState.Closed);
        }

        Notify(changed);
    }

    /// <summary>One gateway failure (see the class remarks for what counts).</summary>
    public void RecordFailure()
    {
        if (!Enabled)
        {
            return;
        }

        CircuitState? changed;
        lock (_gate)
        {
            var state = CurrentState();
            _consecutiveFailures++;
            var trialFailed = state == CircuitState.HalfOpen && _trialInFlight;
            _trialInFlight = false;
            if (state == CircuitState.Closed ? _consecutiveFailures >= _failureThreshold : trialFailed)
            {
                Eject();
            }

            changed = Observe(CurrentState());
        }

        Notify(changed);
    }

    /// <summary>A request that was admitted ended without a verdict (the client left, a request-specific error): frees the half-open trial.</summary>
    public void RecordAbandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }

    /// <summary>A health probe passed: an ejected replica gets its trial request at once.</summary>
    public void ProbePassed()
    {
        CircuitState? changed;
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _probeCleared = true;
            changed = Observe(CurrentState());
        }

        Notify(changed);
    }

    private void Eject()
    {
        _ejectionsInARow++;
        Interlocked.Increment(ref _ejections);
        var factor = Math.Pow(2, Math.Min(_ejectionsInARow - 1, 30));
        var ejection = TimeSpan.FromTicks((long)Math.Min(_cooldown.Ticks * factor, _maxEjection.Ticks));
        _ejection = ejection;
        _open = true;
        _probeCleared = false;
        _openedAt = _time.GetTimestamp();
    }

    private CircuitState CurrentState()
    {
        if (!_open)
        {
            return CircuitState.Closed;
        }

        return _probeCleared || _time.GetElapsedTime(_openedAt) >= _ejection ? CircuitState.HalfOpen : CircuitState.Open;
    }

    private CircuitState? Observe(CircuitState state)
    {
        if (state == _lastReported)
        {
            return null;
        }

        _lastReported = state;
        return state;
    }

    private void Notify(CircuitState? changed)
    {
        if (changed is { } state)
        {
            StateChanged?.Invoke(state);
        }
    }
}
