namespace Gateway.Host.Http;

/// <summary>When the gateway started and when it last admitted a relayed request (the idle-shutdown script reads both).</summary>
internal sealed class RequestActivity(TimeProvider time)
{
    private long _lastRequestTicks;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public DateTimeOffset? LastRequestAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastRequestTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>A relayed request arrived (called once per request, before any upstream work).</summary>
    public void Touch() => Interlocked.Exchange(ref _lastRequestTicks, time.GetUtcNow().UtcTicks);
}
