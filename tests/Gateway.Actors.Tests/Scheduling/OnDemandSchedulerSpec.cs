using Akka.Actor;
using Akka.Configuration;
using Gateway.Actors.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Actors.Tests.Scheduling;

/// <summary>
/// The actor system's scheduler on a fake clock (a timer per task, none armed when nothing is scheduled: what keeps an
/// idle gateway asleep), and once as the scheduler of a real actor system (tells, actor timers).
/// </summary>
public class OnDemandSchedulerSpec() : Akka.TestKit.Xunit2.TestKit(
    $"akka.scheduler.implementation = \"{typeof(OnDemandScheduler).AssemblyQualifiedName}\"")
{
    private readonly CountingTimeProvider _clock = new();

    private OnDemandScheduler NewScheduler() => new(Config.Empty, Sys.Log, _clock);

    [Fact]
    public void An_idle_scheduler_arms_no_timer_and_a_task_runs_when_due_not_before()
    {
        using var scheduler = NewScheduler();
        Assert.Equal(0, _clock.ActiveTimers);

        var runs = 0;
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromSeconds(5), () => runs++);
        Assert.Equal(1, _clock.ActiveTimers);

        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, runs);
        _clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, runs);

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, runs);
        Assert.Equal(0, _clock.ActiveTimers);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void A_repeated_task_runs_every_interval_until_cancelled_and_then_releases_its_timer()
    {
        using var scheduler = NewScheduler();
        var runs = 0;
        var cancelable = new Cancelable((IScheduler)scheduler);
        ((IScheduler)scheduler).Advanced.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), () => runs++, cancelable);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, runs);
        _clock.Advance(TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(3, runs);

        cancelable.Cancel();
        Assert.Equal(0, _clock.ActiveTimers);
        Assert.Equal(0, scheduler.Pending);
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(3, runs);
    }

    [Fact]
    public void A_task_cancelled_before_it_is_due_never_runs_and_its_timer_is_released_at_once()
    {
        using var scheduler = NewScheduler();
        var runs = 0;
        var cancelable = new Cancelable((IScheduler)scheduler);
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromMinutes(2), () => runs++, cancelable);
        Assert.Equal(1, _clock.ActiveTimers);

        cancelable.Cancel();
        Assert.Equal(0, _clock.ActiveTimers);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, runs);

        // Already cancelled: nothing is armed at all.
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromSeconds(1), () => runs++, cancelable);
        Assert.Equal(0, _clock.ActiveTimers);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public void A_failing_task_is_logged_and_the_others_still_run()
    {
        using var scheduler = NewScheduler();
        var runs = 0;
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromSeconds(1), () => throw new InvalidOperationException("boom"));
        ((IScheduler)scheduler).Advanced.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => runs++);

        EventFilter.Exception<InvalidOperationException>().ExpectOne(() => _clock.Advance(TimeSpan.FromSeconds(1)));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, runs);
    }

    [Fact]
    public void Disposing_runs_each_pending_task_once_stops_the_timers_and_refuses_new_tasks()
    {
        var scheduler = NewScheduler();
        var once = 0;
        var repeated = 0;
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromMinutes(1), () => once++);
        ((IScheduler)scheduler).Advanced.ScheduleRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), () => repeated++);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, repeated);

        scheduler.Dispose();
        Assert.Equal(1, once);
        Assert.Equal(2, repeated);
        Assert.Equal(0, _clock.ActiveTimers);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, once);
        Assert.Equal(2, repeated);
        Assert.Throws<SchedulerException>(() => ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromSeconds(1), () => once++));
    }

    [Fact]
    public void A_delay_longer_than_one_timer_can_wait_is_waited_in_full()
    {
        using var scheduler = NewScheduler();
        var runs = 0;
        ((IScheduler)scheduler).Advanced.ScheduleOnce(TimeSpan.FromDays(60), () => runs++);

        _clock.Advance(TimeSpan.FromDays(50));
        Assert.Equal(0, runs);
        _clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(1, runs);
    }

    [Fact]
    public void As_the_actor_systems_scheduler_it_delivers_scheduled_tells_and_actor_timers()
    {
        Assert.IsType<OnDemandScheduler>(Sys.Scheduler);

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), TestActor, "once", ActorRefs.NoSender);
        ExpectMsg("once");

        var ticker = Sys.ActorOf(Props.Create(() => new Ticker(TestActor)));
        ExpectMsg("tick");
        ExpectMsg("tick");
        ticker.Tell("stop");
        ExpectMsg("stopped");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>An actor with a periodic timer (as a replica's probe timer), which tells its parent every tick.</summary>
    private sealed class Ticker : ReceiveActor, IWithTimers
    {
        public Ticker(IActorRef target)
        {
            Receive<string>(m => m == "tick", _ => target.Tell("tick"));
            Receive<string>(m => m == "stop", _ =>
            {
                Timers.Cancel("tick");
                target.Tell("stopped");
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Timers.StartPeriodicTimer("tick", "tick", TimeSpan.FromMilliseconds(20));
    }

    /// <summary>A fake clock that counts the timers armed and not yet disposed.</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _active;

        public CountingTimeProvider()
            : base(DateTimeOffset.Parse("2026-01-01T00:00:00Z", global::System.Globalization.CultureInfo.InvariantCulture))
        {
        }

        public int ActiveTimers => Volatile.Read(ref _active);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _active);
            return new Counted(base.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class Counted(ITimer inner, CountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._active);
                }

                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
