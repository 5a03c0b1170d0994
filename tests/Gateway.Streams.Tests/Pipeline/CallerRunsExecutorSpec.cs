using Akka.Actor;
using Akka.Dispatch;
using Gateway.Streams.Pipeline;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Pipeline;

public class CallerRunsExecutorSpec : Akka.TestKit.Xunit2.TestKit
{
    public CallerRunsExecutorSpec()
        : base(PipelineDispatcher.Hocon)
    {
    }

    private sealed class Runnable(Action action) : IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }

    // The TestKit makes the threads it runs on look like an actor's (so Context works in specs): the specs call the
    // executor from a fresh thread, where no actor is running, as on Kestrel's threads.

    [Fact]
    public async Task Runs_the_work_on_the_calling_thread_before_returning()
    {
        await CallerRunsExecutor.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        var executor = new CallerRunsExecutor("test");

        var (caller, ranOn) = FreshThread.Run(() =>
        {
            var ranOn = 0;
            executor.Execute(new Runnable(() => ranOn = Environment.CurrentManagedThreadId));
            return (Environment.CurrentManagedThreadId, ranOn);
        });

        Assert.Equal(caller, ranOn);
    }

    private sealed class CallsExecutor : ReceiveActor
    {
        public CallsExecutor(CallerRunsExecutor executor, IActorRef report) => ReceiveAny(_ =>
        {
            var thread = Environment.CurrentManagedThreadId;
            var ranInline = false;
            executor.Execute(new Runnable(() => ranInline = Environment.CurrentManagedThreadId == thread));
            report.Tell(ranInline);
        });
    }

    [Fact]
    public void Work_scheduled_from_inside_an_actor_goes_to_the_pool()
    {
        var executor = new CallerRunsExecutor("test");
        var actor = Sys.ActorOf(Props.Create(() => new CallsExecutor(executor, TestActor)));

        actor.Tell("go");

        ExpectMsg(false);
    }

    [Fact]
    public async Task Work_scheduled_from_inside_a_run_goes_to_the_pool_instead_of_recursing()
    {
        var executor = new CallerRunsExecutor("test");
        var nested = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var nestedRanInline = true;

        FreshThread.Run(() =>
        {
            executor.Execute(new Runnable(() =>
            {
                executor.Execute(new Runnable(() => nested.SetResult(Environment.CurrentManagedThreadId)));
                nestedRanInline = nested.Task.IsCompleted; // still false: queued, not run inside this one
            }));
            return 0;
        });

        Assert.False(nestedRanInline);
        await nested.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class ThreadProbe : ReceiveActor
    {
        public ThreadProbe(IActorRef report) => ReceiveAny(m => report.Tell((m, Environment.CurrentManagedThreadId)));
    }

    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public async Task An_inline_run_sees_none_of_the_callers_ambient_context_and_the_caller_gets_it_back()
    {
        await CallerRunsExecutor.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        var executor = new CallerRunsExecutor("test");

        var (seenInside, ranInline, afterwards) = FreshThread.Run(() =>
        {
            Ambient.Value = "request A";
            var thread = Environment.CurrentManagedThreadId;
            string? seen = "not run";
            var inline = false;
            executor.Execute(new Runnable(() =>
            {
                seen = Ambient.Value;
                inline = Environment.CurrentManagedThreadId == thread;
            }));
            return (seen, inline, Ambient.Value);
        });

        Assert.True(ranInline);
        Assert.Null(seenInside);
        Assert.Equal("request A", afterwards);
    }

    [Fact]
    public async Task An_actor_on_the_dispatcher_receives_a_message_told_from_outside_any_actor_on_the_telling_thread()
    {
        await CallerRunsExecutor.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new ThreadProbe(probe.Ref)).WithDispatcher(PipelineDispatcher.Id));
        actor.Tell("warm-up");
        probe.ExpectMsg<(object, int)>();

        // The mailbox may still be finishing the warm-up on another thread: a few attempts.
        var inline = false;
        for (var attempt = 0; attempt < 50 && !inline; attempt++)
        {
            var teller = FreshThread.Run(() =>
            {
                actor.Tell(attempt);
                return Environment.CurrentManagedThreadId;
            });
            var (_, thread) = probe.ExpectMsg<(object, int)>();
            inline = thread == teller;
        }

        Assert.True(inline);
    }
}
