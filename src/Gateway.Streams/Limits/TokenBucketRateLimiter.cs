namespace Gateway.Streams.Limits;

/// <summary>
/// Per-key token buckets with the Python gateway's semantics: capacity <c>rpm</c>, refill <c>rpm/60</c> per
/// second, a new key starts full, each request costs one token. Keys are kept in LRU order, at most
/// <c>maxKeys</c> of them, and idle keys are swept lazily (at most 8 per call) so memory stays bounded.
/// </summary>
public sealed class TokenBucketRateLimiter : IRateLimiter
{
    private const int SweepBudget = 8;

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Bucket>> _buckets = new(StringComparer.Ordinal);
    private readonly LinkedList<Bucket> _lru = new();
    private readonly double _capacity;
    private readonly double _ratePerSecond;
    private readonly int _maxKeys;
    private readonly TimeSpan _idleEvict;
    private readonly TimeProvider _time;

    public TokenBucketRateLimiter(int requestsPerMinute, int maxKeys, TimeSpan idleEvict, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerMinute);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleEvict, TimeSpan.Zero);
        _capacity = requestsPerMinute;
        _ratePerSecond = requestsPerMinute / 60.0;
        _maxKeys = maxKeys;
        _idleEvict = idleEvict;
        _time = time ?? TimeProvider.System;
    }

    public int TrackedKeys
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    public RateLimitDecision TryAcquire(string key)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            Sweep(now);
            if (!_buckets.TryGetValue(key, out var node))
            {
                if (_buckets.Count >= _maxKeys && _lru.First is { } oldest)
                {
                    _buckets.Remove(oldest.Value.Key);
                    _lru.RemoveFirst();
                }

                node = _lru.AddLast(new Bucket(key, _capacity, now));
                _buckets[key] = node;
            }
            else
            {
                _lru.Remove(node);
                _lru.AddLast(node);
            }

            var bucket = node.Value;
            var elapsed = _time.GetElapsedTime(bucket.LastTouch, now).TotalSeconds;
            bucket.Tokens = Math.Min(_capacity, bucket.Tokens + (elapsed * _ratePerSecond));
            bucket.LastTouch = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return RateLimitDecision.Allow;
            }

            var wait = Math.Max(1, (int)Math.Floor((1 - bucket.Tokens) / _ratePerSecond) + 1);
            return new RateLimitDecision(false, wait);
        }
    }

    private void Sweep(long now)
    {
        for (var i = 0; i < SweepBudget && _lru.First is { } oldest; i++)
        {
            if (_time.GetElapsedTime(oldest.Value.LastTouch, now) < _idleEvict)
            {
                return;
            }

            _buckets.Remove(oldest.Value.Key);
            _lru.RemoveFirst();
        }
    }

    private sealed class Bucket(string key, double tokens, long lastTouch)
    {
        public string Key { get; } = key;

        public double Tokens { get; set; } = tokens;

        public long LastTouch { get; set; } = lastTouch;
    }
}
