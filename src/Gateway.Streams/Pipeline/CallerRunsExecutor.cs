using Akka.Actor.Internal;
using Akka.Dispatch;

namespace Gateway.Streams.Pipeline;

/// <summary>
/// Runs a mailbox on the thread that scheduled it, unless that thread is running an actor already (then on the
/// .NET thread pool, as Akka's default executor does). See <see cref="PipelineDispatcher"/>.
/// </summary>
internal sealed class CallerRunsExecutor(string id) : ExecutorService(id)
{
    private static readonly TaskCompletionSource Captured = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The context a pool worker runs a mailbox with: none of a request's own. Inline, the graph must not see (nor
    /// hand on to the work it starts) the calling request's ambient state: its <c>Activity</c>, its log scope.
    /// </summary>
    private static volatile ExecutionContext? _clean;

    [ThreadStatic]
    private static bool _running;

    static CallerRunsExecutor() => ThreadPool.UnsafeQueueUserWorkItem(
        static _ =>
        {
            _clean = ExecutionContext.Capture();
            Captured.TrySetResult();
        },
        null);

    /// <summary>Completes once runs may go inline (until then every run goes to the pool).</summary>
    internal static Task Ready => Captured.Task;

    public override void Execute(IRunnable run)
    {
        // Nested: the mailbox re-registering itself at the end of an inline run, or a message sent from inside
        // another actor. Inline there would recurse or run one actor inside another; the pool takes it instead.
        var clean = _clean;
        if (_running || InternalCurrentActorCellKeeper.Current is not null || clean is null || ExecutionContext.Capture() is not { } caller)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
            return;
        }

        _running = true;
        ExecutionContext.Restore(clean);
        try
        {
            run.Run();
        }
        finally
        {
            ExecutionContext.Restore(caller);
            _running = false;
        }
    }

    public override void Shutdown()
    {
        // Nothing to stop: the executor owns no threads.
    }
}
