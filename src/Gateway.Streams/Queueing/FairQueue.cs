using Gateway.Streams.Proxy;

namespace Gateway.Streams.Queueing;

/// <summary>
/// A model's waiting room, fair across keys by tokens served (a virtual token counter, as in the VTC scheduler
/// for LLM serving, Sheng et al., OSDI 2024). Each key has a FIFO of its own and a counter of the service it has
/// received, in tokens divided by its priority: the prompt estimate is charged when a request leaves the queue,
/// the real prompt and generated tokens when it ends (<see cref="Charge"/>). The next free in-flight slot goes
/// to the waiting key with the lowest counter (ties: the key served least recently). A key that starts waiting
/// is lifted to the lowest counter among the waiting keys, so idle time banks no credit. Bounded in total and per
/// key; a request whose client leaves is removed at once (its place is free for the next caller).
/// Thread-safe: HTTP threads enqueue, the pipeline's source dequeues.
/// </summary>
public sealed class FairQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyQueue> _keys = new(StringComparer.Ordinal);
    private readonly int _maxQueue;
    private readonly int _maxPerKey;
    private readonly int _maxInFlight;
    private readonly TimeProvider _time;
    private Action? _waiter;
    private double _floor;
    private long _served;
    private int _count;
    private int _dispatched;
    private bool _closed;

    /// <param name="maxInFlight">The pipeline's in-flight bound; its free slots stretch both queue bounds (0: no stretch).</param>
    public FairQueue(int maxQueue, int maxPerKey, TimeProvider? time = null, int maxInFlight = 0)
    {
        _maxQueue = Math.Max(1, maxQueue);
        _maxPerKey = Math.Clamp(maxPerKey, 1, _maxQueue);
        _maxInFlight = Math.Max(0, maxInFlight);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Requests waiting now.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>Adds a request under its key (<see cref="ProxyRequest.RateLimitKey"/>) and stamps <see cref="ProxyRequest.EnqueuedAt"/>.</summary>
    public EnqueueResult Enqueue(ProxyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Entry entry;
        Action? wake;
        lock (_gate)
        {
            if (_closed)
            {
                return EnqueueResult.Closed;
            }

            var freeSlots = Math.Max(0, _maxInFlight - Volatile.Read(ref _dispatched));
            if (_count >= _maxQueue + freeSlots)
            {
                return EnqueueResult.QueueFull;
            }

            if (!_keys.TryGetValue(request.RateLimitKey, out var key))
            {
                key = new KeyQueue(request.RateLimitKey) { Counter = _floor };
                _keys[request.RateLimitKey] = key;
            }

            if (key.Waiting.Count >= _maxPerKey + freeSlots)
            {
                return EnqueueResult.KeyQueueFull;
            }

            if (key.Waiting.Count == 0)
            {
                key.Counter = Math.Max(key.Counter, LowestWaitingCounter() ?? _floor);
            }

            key.Weight = request.Priority > 0 ? request.Priority : 1;
            request.EnqueuedAt = _time.GetTimestamp();
            entry = new Entry(request, key, this);
            entry.Node = key.Waiting.AddLast(entry);
            _count++;
            wake = _waiter;
            _waiter = null;
        }

        if (request.ClientAborted.CanBeCanceled)
        {
            entry.Registration = request.ClientAborted.Register(static e => ((Entry)e!).Withdraw(GatewayError.ClientClosed), entry);
        }

        // A request answered while it waits (queue timeout) leaves at once, so its place is free for the next caller.
        request.WithdrawFromQueue = entry;

        wake?.Invoke();
        return EnqueueResult.Enqueued;
    }

    /// <summary>
    /// Takes the next request by fairness and charges its prompt estimate; when none waits, remembers
    /// <paramref name="wake"/> and calls it (once) when one arrives or the queue closes.
    /// </summary>
    public bool TryDequeue(Action wake, out ProxyRequest? request)
    {
        Entry? entry;
        lock (_gate)
        {
            entry = PickLocked();
            if (entry is null)
            {
                _waiter = wake;
                request = null;
                return false;
            }
        }

        entry.Registration.Dispose();
        request = entry.Request;
        request.WithdrawFromQueue = null;
        Interlocked.Increment(ref _dispatched);
        request.DequeuedAt = _time.GetTimestamp();
        return true;
    }

    /// <summary>Adds <paramref name="tokens"/> of service to <paramref name="key"/>'s counter (negative corrects an over-estimate).</summary>
    public void Charge(string key, double tokens)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(key, out var queue))
            {
                if (tokens <= 0)
                {
                    return;
                }

                queue = new KeyQueue(key) { Counter = _floor };
                _keys[key] = queue;
            }

            queue.Counter += tokens / queue.Weight;
        }
    }

    /// <summary>A request taken from this queue has finished: its in-flight slot is free again.</summary>
    public void SlotFreed()
    {
        if (Interlocked.Decrement(ref _dispatched) < 0)
        {
            Interlocked.Exchange(ref _dispatched, 0);
        }
    }

    /// <summary>The service counter of <paramref name="key"/> (for tests and inspection).</summary>
    public double CounterOf(string key)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(key, out var queue) ? queue.Counter : 0;
        }
    }

    /// <summary>
    /// Stops taking requests but keeps serving the ones waiting: the source completes once the last one has left.
    /// </summary>
    public void Complete()
    {
        Action? wake;
        lock (_gate)
        {
            _closed = true;
            wake = _waiter;
            _waiter = null;
        }

        wake?.Invoke();
    }

    /// <summary>Stops taking requests and returns the ones still waiting (the caller answers them).</summary>
    public IReadOnlyList<ProxyRequest> Close()
    {
        List<Entry> drained = [];
        Action? wake;
        lock (_gate)
        {
            _closed = true;
            foreach (var key in _keys.Values)
            {
                drained.AddRange(key.Waiting);
                key.Waiting.Clear();
            }

            _count = 0;
            wake = _waiter;
            _waiter = null;
        }

        foreach (var entry in drained)
        {
            entry.Registration.Dispose();
        }

        wake?.Invoke();
        return [.. drained.Select(e => e.Request)];
    }

    /// <summary>Takes <paramref name="entry"/> out if it still waits; false once it has left the queue.</summary>
    private bool Remove(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Node?.List is null)
            {
                return false;
            }

            entry.Key.Waiting.Remove(entry.Node);
            _count--;
            Prune(entry.Key);
            return true;
        }
    }

    private Entry? PickLocked()
    {
        KeyQueue? best = null;
        foreach (var key in _keys.Values)
        {
            if (key.Waiting.Count == 0)
            {
                continue;
            }

            if (best is null || key.Counter < best.Counter || (key.Counter == best.Counter && key.LastServed < best.LastServed))
            {
                best = key;
            }
        }

        if (best is null)
        {
            return null;
        }

        var entry = best.Waiting.First!.Value;
        best.Waiting.RemoveFirst();
        _count--;
        _floor = Math.Max(_floor, best.Counter);
        best.LastServed = ++_served;
        best.Counter += entry.Request.PromptTokenEstimate / best.Weight;
        Prune(best);
        return entry;
    }

    private double? LowestWaitingCounter()
    {
        double? lowest = null;
        foreach (var key in _keys.Values)
        {
            if (key.Waiting.Count > 0 && (lowest is null || key.Counter < lowest))
            {
                lowest = key.Counter;
            }
        }

        return lowest;
    }

    /// <summary>An idle key at or below the floor would be lifted to it anyway: forget it, so memory follows the waiting keys.</summary>
    private void Prune(KeyQueue key)
    {
        if (key.Waiting.Count == 0 && key.Counter <= _floor)
        {
            _keys.Remove(key.Name);
        }
        else if (_keys.Count > _maxQueue + 1024)
        {
            foreach (var idle in _keys.Values.Where(k => k.Waiting.Count == 0).ToList())
            {
                _keys.Remove(idle.Name);
            }
        }
    }

    private sealed class KeyQueue(string name)
    {
        public string Name { get; } = name;

        public LinkedList<Entry> Waiting { get; } = new();

        public double Counter { get; set; }

        public double Weight { get; set; } = 1;

        public long LastServed { get; set; }
    }

    private sealed class Entry(ProxyRequest request, KeyQueue key, FairQueue queue) : IQueueWithdrawal
    {
        public ProxyRequest Request { get; } = request;

        public KeyQueue Key { get; } = key;

        public FairQueue Queue { get; } = queue;

        public LinkedListNode<Entry>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Withdraw(GatewayError error)
        {
            if (Queue.Remove(this))
            {
                Registration.Dispose();
                Request.Reject(error);
            }
        }
    }
}
