using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Actor.Scheduler;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace Gateway.Actors.Scheduling;

/// <summary>
/// The actor system's scheduler (<c>akka.scheduler.implementation</c>): every scheduled task is one
/// <see cref="TimeProvider"/> timer, so nothing wakes up unless a task is due. Akka's default hashed-wheel scheduler
/// ticks (every <c>akka.scheduler.tick-duration</c>) even with nothing to run, and each tick wakes the runtime's timer
/// thread and a pool worker: most of an idle gateway's CPU. Semantics follow the wheel's: a repeated task runs every
/// interval until its cancelable is cancelled, a cancelled task never runs (and its timer is released at once), an
/// exception in a task is logged and does not stop the others, and disposing (when the actor system terminates) runs
/// each task still pending once, as the wheel does.
/// </summary>
public sealed class OnDemandScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    /// <summary>The longest single wait a timer accepts; longer delays are waited in steps.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly ConcurrentDictionary<Scheduled, byte> _pending = new();
    private volatile bool _stopped;

    /// <summary>The constructor the actor system calls (by reflection, from <c>akka.scheduler.implementation</c>).</summary>
    public OnDemandScheduler(Config config, ILoggingAdapter log)
        : this(config, log, TimeProvider.System)
    {
    }

    internal OnDemandScheduler(Config config, ILoggingAdapter log, TimeProvider time)
        : base(config, log)
    {
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>Tasks scheduled and not yet finished (run once, cancelled or stopped).</summary>
    internal int Pending => _pending.Count;

    /// <summary>Time since the scheduler started, on the clock's monotonic timestamp.</summary>
    public override TimeSpan MonotonicClock => _time.GetElapsedTime(_started);

    public override TimeSpan HighResMonotonicClock => _time.GetElapsedTime(_started);

    protected override DateTimeOffset TimeNow => _time.GetUtcNow();

    public void Dispose()
    {
        _stopped = true;
        foreach (var task in _pending.Keys)
        {
            // As the hashed wheel does on shutdown: whatever is still pending runs once (a tell then reaches dead letters).
            if (task.Stop())
            {
                task.Run();
            }
        }
    }

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ScheduledTell(receiver, message, sender), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        Schedule(delay, TimeSpan.Zero, action, cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, new ActionRunnable(action), cancelable);

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        Schedule(initialDelay, interval, action, cancelable);

    private void Schedule(TimeSpan delay, TimeSpan interval, IRunnable action, ICancelable? cancelable)
    {
        if (_stopped)
        {
            throw new SchedulerException("cannot enqueue after timer shutdown");
        }

        if (cancelable?.IsCancellationRequested == true)
        {
            return;
        }

        var task = new Scheduled(this, action, cancelable, interval, DueAt(delay));
        _pending.TryAdd(task, 0);
        task.Start(delay);
    }

    private long DueAt(TimeSpan delay)
    {
        var ticks = delay.TotalSeconds * _time.TimestampFrequency;
        var now = _time.GetTimestamp();
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    /// <summary>A tell from the scheduler, marked as one (the actor cell unwraps it), as the hashed wheel sends it.</summary>
    private sealed class ScheduledTell(ICanTell receiver, object message, IActorRef sender) : IRunnable
    {
        private readonly object _message = receiver is not ActorRefWithCell
            ? message
            : message is INotInfluenceReceiveTimeout ? new ScheduledTellMessageNoTimeout(message) : new ScheduledTellMessage(message);

        public void Run() => receiver.Tell(_message, sender);

        public void Execute() => Run();
    }

    private sealed record ScheduledTellMessage(object Message) : IScheduledTellMsg;

    private sealed record ScheduledTellMessageNoTimeout(object Message) : IScheduledTellMsg, INotInfluenceReceiveTimeout;

    /// <summary>One scheduled task and its timer.</summary>
    private sealed class Scheduled(OnDemandScheduler owner, IRunnable action, ICancelable? cancelable, TimeSpan interval, long dueAt)
    {
        private static readonly TimerCallback Fire = static state => ((Scheduled)state!).OnTimer();

        /// <summary>Timers count whole milliseconds: one may fire a little before the high-resolution due time.</summary>
        private static readonly TimeSpan EarlyTolerance = TimeSpan.FromMilliseconds(2);

        private ITimer? _timer;
        private CancellationTokenRegistration _cancellation;
        private int _stopped;

        private bool Repeats => interval > TimeSpan.Zero;

        public void Start(TimeSpan delay)
        {
            lock (this)
            {
                _timer = owner._time.CreateTimer(Fire, this, Min(delay, MaxTimerDelay), Repeats && delay <= MaxTimerDelay ? Min(interval, MaxTimerDelay) : Timeout.InfiniteTimeSpan);
            }

            if (cancelable is not null)
            {
                // A cancelled task releases its timer now, not when it would have been due.
                _cancellation = cancelable.Token.Register(static state => ((Scheduled)state!).Stop(), this);
            }
        }

        /// <summary>Ends the task (no further runs); true if this call ended it.</summary>
        public bool Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                return false;
            }

            owner._pending.TryRemove(this, out _);
            lock (this)
            {
                _timer?.Dispose();
            }

            _cancellation.Dispose();
            return true;
        }

        public void Run()
        {
            try
            {
                action.Run();
            }
            catch (SchedulerException)
            {
                // from an actor that terminated meanwhile, as the hashed wheel ignores it
            }
            catch (Exception e)
            {
                owner.Log.Error(e, "Exception while executing timer task.");
            }
        }

        private void OnTimer()
        {
            if (Volatile.Read(ref _stopped) == 1 || owner._stopped)
            {
                return;
            }

            if (cancelable?.IsCancellationRequested == true)
            {
                Stop();
                return;
            }

            var early = owner._time.GetElapsedTime(owner._time.GetTimestamp(), dueAt);
            if (early > EarlyTolerance)
            {
                // Only the first wait of a delay longer than one timer can wait ends early: wait the rest.
                lock (this)
                {
                    _timer?.Change(Min(early, MaxTimerDelay), Repeats ? Min(interval, MaxTimerDelay) : Timeout.InfiniteTimeSpan);
                }

                return;
            }

            if (!Repeats && !Stop())
            {
                return;
            }

            Run();
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }
}
