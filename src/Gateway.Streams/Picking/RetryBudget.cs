namespace Gateway.Streams.Picking;

/// <summary>
/// Retries may be at most <c>ratio</c> of the requests seen over a sliding window (ten one-second buckets), plus a
/// small allowance so a quiet model can still retry, so a dying fleet is not hammered with retries. Thread-safe.
/// </summary>
public sealed class RetryBudget
{
    private const int Buckets = 10;
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _ratio;
    private readonly int _minimum;
    private readonly long[] _requests = new long[Buckets];
    private readonly long[] _retries = new long[Buckets];
    private long _currentSecond = long.MinValue;

    public RetryBudget(double ratio = 0.2, int minimumPerWindow = 3, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratio);
        _ratio = ratio;
        _minimum = minimumPerWindow;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Counts one request (every pick).</summary>
    public void RecordRequest()
    {
        lock (_gate)
        {
            _requests[Advance()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false when the window's retries already reached the ratio.</summary>
    public bool TryRetry()
    {
        lock (_gate)
        {
            var slot = Advance();
            long requests = 0, retries = 0;
            for (var i = 0; i < Buckets; i++)
            {
                requests += _requests[i];
                retries += _retries[i];
            }

            if (retries >= Math.Max(_minimum, requests * _ratio))
            {
                return false;
            }

            _retries[slot]++;
            return true;
        }
    }

    private int Advance()
    {
        var second = (long)_time.GetUtcNow().Subtract(DateTimeOffset.UnixEpoch).TotalSeconds;
        if (second != _currentSecond)
        {
            var gap = _currentSecond == long.MinValue ? Buckets : Math.Min(Buckets, second - _currentSecond);
            for (var i = 1; i <= gap; i++)
            {
                var slot = (int)(((_currentSecond == long.MinValue ? second : _currentSecond) + i) % Buckets);
                _requests[(slot + Buckets) % Buckets] = 0;
                _retries[(slot + Buckets) % Buckets] = 0;
            }

            _currentSecond = second;
        }

        return (int)(((second % Buckets) + Buckets) % Buckets);
    }
}
