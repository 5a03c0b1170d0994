namespace Gateway.Streams.Breaker;

/// <summary>
/// A consecutive-failure circuit breaker for one upstream replica. After <c>failureThreshold</c> failures in a
/// row it opens and fails fast for <c>cooldown</c>; then it lets exactly one trial request through (half-open):
/// its success closes the breaker, its failure re-opens it for another cooldown. Only the phase up to the
/// upstream's response headers is judged, so long healthy generations never count as failures.
/// Thread-safe; shared by every request to the replica.
/// </summary>
public sealed class UpstreamCircuitBreaker
{
    private readonly object _gate = new();
    private readonly int _failureThreshold;
    private readonly TimeSpan _cooldown;
    private readonly TimeProvider _time;
    private int _consecutiveFailures;
    private long _openedAt;
    private bool _open;
    private bool _trialInFlight;
    private CircuitState _lastReported = CircuitState.Closed;

    public UpstreamCircuitBreaker(int failureThreshold, TimeSpan cooldown, bool enabled = true, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failureThreshold);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cooldown, TimeSpan.Zero);
        _failureThreshold = failureThreshold;
        _cooldown = cooldown;
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

    /// <summary>Asks to send one request. When refused, <paramref name="retryAfter"/> is the time left in the cooldown.</summary>
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
                    retryAfter = _cooldown - _time.GetElapsedTime(_openedAt);
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
            _open = false;
            _trialInFlight = false;
            changed = Observe(CircuitState.Closed);
        }

        Notify(changed);
    }

    public void RecordFailure()
    {
        if (!Enabled)
        {
            return;
        }

        CircuitState? changed;
        lock (_gate)
        {
            _consecutiveFailures++;
            _trialInFlight = false;
            if (_consecutiveFailures >= _failureThreshold)
            {
                _open = true;
                _openedAt = _time.GetTimestamp();
            }

            changed = Observe(CurrentState());
        }

        Notify(changed);
    }

    /// <summary>A request that was admitted ended without a verdict (e.g. the client left): frees the half-open trial.</summary>
    public void RecordAbandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }

    private CircuitState CurrentState()
    {
        if (!_open)
        {
            return CircuitState.Closed;
        }

        return _time.GetElapsedTime(_openedAt) >= _cooldown ? CircuitState.HalfOpen : CircuitState.Open;
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
