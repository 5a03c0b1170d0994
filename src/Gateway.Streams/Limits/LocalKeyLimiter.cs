namespace Gateway.Streams.Limits;

/// <summary>
/// <see cref="IKeyLimiter"/> on this node's memory. Per key: a request bucket (capacity rpm, refill rpm/60 per
/// second, a new key starts full), a token bucket (capacity tpm, same refill; a request needs its reservation in
/// the bucket, capped at the capacity so a request larger than the limit still passes when the bucket is full) and
/// a concurrency count. Keys are kept in LRU order, at most <c>maxKeys</c> of them, and idle keys are swept lazily
/// (at most 8 per call), so memory stays bounded whatever tokens clients send. A key with requests in flight is
/// never swept as idle.
/// </summary>
public sealed class LocalKeyLimiter : IKeyLimiter
{
    public const string RequestsLimit = "requests per minute";
    public const string TokensLimit = "tokens per minute";
    public const string ConcurrencyLimit = "concurrent requests";

    private const int SweepBudget = 8;

    private static readonly KeyConsumption NoConsumption = new(0, 0);

    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyState>> _keys = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyState> _lru = new();
    private readonly int _maxKeys;
    private readonly TimeSpan _idleEvict;
    private readonly TimeProvider _time;
    private readonly Action<KeyLease, int?> _complete;

    public LocalKeyLimiter(int maxKeys, TimeSpan idleEvict, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxKeys);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleEvict, TimeSpan.Zero);
        _maxKeys = maxKeys;
        _idleEvict = idleEvict;
        _time = time ?? TimeProvider.System;
        _complete = (lease, used) => Complete((KeyState)lease.State!, lease, used);
    }

    public int TrackedKeys
    {
        get
        {
            lock (_gate)
            {
                return _keys.Count;
            }
        }
    }

    /// <summary>Requests of <paramref name="key"/> holding a concurrency slot now (0 for an unknown key).</summary>
    public int InFlight(string key) => Inspect(key).InFlight;

    /// <summary>What <paramref name="key"/> holds now: leases not yet completed and the tokens they still reserve.</summary>
    public KeyHold Inspect(string key)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(key, out var node) ? new KeyHold(node.Value.InFlight, node.Value.ReservedTokens) : KeyHold.None;
        }
    }

    public LimitDecision TryAcquire(string key, KeyLimits limits, int reserveTokens)
    {
        ArgumentNullException.ThrowIfNull(limits);
        reserveTokens = Math.Max(0, reserveTokens);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            Sweep(now);
            var state = Touch(key, now);
            state.Configure(limits, now);
            state.Requests?.Refill(now, _time);
            state.Tokens?.Refill(now, _time);

            var tokensNeeded = state.Tokens is { } tb ? Math.Min(reserveTokens, tb.Capacity) : 0;
            string? exceeded = null;
            var retry = TimeSpan.Zero;
            if (state.Requests is { Level: < 1 } rb)
            {
                exceeded = RequestsLimit;
                retry = rb.TimeUntil(1);
            }
            else if (state.Tokens is { } tokens && tokens.Level < tokensNeeded)
            {
                exceeded = TokensLimit;
                retry = tokens.TimeUntil(tokensNeeded);
            }
            else if (limits.MaxConcurrent > 0 && state.InFlight >= limits.MaxConcurrent)
            {
                exceeded = ConcurrencyLimit;
                retry = TimeSpan.FromSeconds(1);
            }

            if (exceeded is not null)
            {
                return new LimitDecision(null, exceeded, retry, Headers(state));
            }

            state.Requests?.Take(1);
            var reserved = state.Tokens is null ? 0 : reserveTokens;
            state.Tokens?.Take(reserved);
            state.InFlight++;
            state.ReservedTokens += reserved;
            state.AdmittedRequests++;
            var lease = new KeyLease(key, reserved, _complete, state);
            return new LimitDecision(lease, null, TimeSpan.Zero, Headers(state));
        }
    }

    private void Complete(KeyState state, KeyLease lease, int? usedTokens)
    {
        lock (_gate)
        {
            state.InFlight = Math.Max(0, state.InFlight - 1);
            state.ReservedTokens = Math.Max(0, state.ReservedTokens - lease.ReservedTokens);
            state.ChargedTokens += Math.Max(0, usedTokens ?? 0);
            if (state.Tokens is { } tokens)
            {
                tokens.Refill(_time.GetTimestamp(), _time);
                var refund = lease.ReservedTokens - (usedTokens ?? 0);
                if (refund >= 0)
                {
                    tokens.Give(refund);
                }
                else
                {
                    tokens.Take(-refund);
                }
            }
        }
    }

    public LimiterSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new LimiterSnapshot(_keys.ToDictionary(
                kv => kv.Key, kv => new KeyConsumption(kv.Value.Value.AdmittedRequests, kv.Value.Value.ChargedTokens), StringComparer.Ordinal));
        }
    }

    public void Absorb(string node, LimiterSnapshot peer)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(peer);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            // Every key this node tracks (it knows their limits); one the peer does not list has consumed nothing there.
            foreach (var entry in _lru)
            {
                var state = entry;
                var consumption = peer.Keys.TryGetValue(state.Key, out var listed) ? listed : NoConsumption;
                var seen = state.PeersSeen.TryGetValue(node, out var last) ? last : null;
                state.PeersSeen[node] = consumption;
                if (seen is null)
                {
                    continue;
                }

                var requests = consumption.Requests >= seen.Requests ? consumption.Requests - seen.Requests : consumption.Requests;
                var tokens = consumption.Tokens >= seen.Tokens ? consumption.Tokens - seen.Tokens : consumption.Tokens;
                state.Requests?.Refill(now, _time);
                state.Requests?.Take(requests);
                state.Tokens?.Refill(now, _time);
                state.Tokens?.Take(tokens);
            }
        }
    }

    private static RateLimitHeaderValues Headers(KeyState state) => new(
        state.Requests is { } r ? (int)r.Capacity : null,
        state.Requests is { } r1 ? Math.Max(0, (int)Math.Floor(r1.Level)) : 0,
        state.Requests?.TimeUntilFull ?? TimeSpan.Zero,
        state.Tokens is { } t ? (int)t.Capacity : null,
        state.Tokens is { } t1 ? Math.Max(0, (int)Math.Floor(t1.Level)) : 0,
        state.Tokens?.TimeUntilFull ?? TimeSpan.Zero);

    private KeyState Touch(string key, long now)
    {
        if (_keys.TryGetValue(key, out var node))
        {
            _lru.Remove(node);
            _lru.AddLast(node);
        }
        else
        {
            if (_keys.Count >= _maxKeys && _lru.First is { } oldest)
            {
                // A key evicted while it has requests in flight keeps its state object for their leases; a new
                // request of that key starts afresh. At _maxKeys live keys that is the price of bounded memory.
                _keys.Remove(oldest.Value.Key);
                _lru.RemoveFirst();
            }

            node = _lru.AddLast(new KeyState(key));
            _keys[key] = node;
        }

        node.Value.LastTouch = now;
        return node.Value;
    }

    private void Sweep(long now)
    {
        for (var i = 0; i < SweepBudget && _lru.First is { } oldest; i++)
        {
            if (_time.GetElapsedTime(oldest.Value.LastTouch, now) < _idleEvict)
            {
                return;
            }

            _lru.RemoveFirst();
            if (oldest.Value.InFlight > 0)
            {
                // Busy, not idle: it goes to the young end.
                oldest.Value.LastTouch = now;
                _lru.AddLast(oldest);
                continue;
            }

            _keys.Remove(oldest.Value.Key);
        }
    }

    private sealed class KeyState(string key)
    {
        public string Key { get; } = key;

        public long LastTouch { get; set; }

        public TokenBucket? Requests { get; private set; }

        public TokenBucket? Tokens { get; private set; }

        public int InFlight { get; set; }

        public long ReservedTokens { get; set; }

        /// <summary>Requests admitted here since the key was first tracked (grows only; gossiped to peers).</summary>
        public long AdmittedRequests { get; set; }

        /// <summary>Tokens charged here (settled usage) since the key was first tracked (grows only; gossiped to peers).</summary>
        public long ChargedTokens { get; set; }

        /// <summary>The last consumption absorbed from each peer node for this key.</summary>
        public Dictionary<string, KeyConsumption> PeersSeen { get; } = new(StringComparer.Ordinal);

        public void Configure(KeyLimits limits, long now)
        {
            Requests = Reconfigure(Requests, limits.RequestsPerMinute, now);
            Tokens = Reconfigure(Tokens, limits.TokensPerMinute, now);
        }

        private static TokenBucket? Reconfigure(TokenBucket? bucket, int perMinute, long now)
        {
            if (perMinute <= 0)
            {
                return null;
            }

            if (bucket is null)
            {
                return new TokenBucket(perMinute, now);
            }

            bucket.Resize(perMinute);
            return bucket;
        }
    }
}
