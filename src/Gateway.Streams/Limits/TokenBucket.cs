namespace Gateway.Streams.Limits;

/// <summary>
/// The arithmetic of one token bucket: holds up to <see cref="Capacity"/> tokens, refills at
/// <c>Capacity / 60</c> per second (a per-minute limit), starts full. The level may go below zero when a
/// settlement charges more than was reserved: that debt is paid back by the refill before the next admission.
/// Not thread-safe: its owner locks.
/// </summary>
internal sealed class TokenBucket(double capacity, long now)
{
    public double Capacity { get; private set; } = capacity;

    public double Level { get; private set; } = capacity;

    private long _last = now;

    public double RatePerSecond => Capacity / 60.0;

    /// <summary>A reload changed the limit: the level keeps what was used.</summary>
    public void Resize(double capacity)
    {
        if (capacity != Capacity)
        {
            Level = Math.Min(capacity, Level + (capacity - Capacity));
            Capacity = capacity;
        }
    }

    public void Refill(long now, TimeProvider time)
    {
        var elapsed = time.GetElapsedTime(_last, now).TotalSeconds;
        if (elapsed > 0)
        {
            Level = Math.Min(Capacity, Level + (elapsed * RatePerSecond));
        }

        _last = now;
    }

    public void Take(double amount) => Level -= amount;

    public void Give(double amount) => Level = Math.Min(Capacity, Level + amount);

    /// <summary>Time until the level reaches <paramref name="amount"/> (zero when it already has).</summary>
    public TimeSpan TimeUntil(double amount) =>
        Level >= amount ? TimeSpan.Zero : TimeSpan.FromSeconds((amount - Level) / RatePerSecond);

    /// <summary>Time until the bucket is full again (OpenAI's <c>x-ratelimit-reset-*</c>).</summary>
    public TimeSpan TimeUntilFull => TimeUntil(Capacity);
}
