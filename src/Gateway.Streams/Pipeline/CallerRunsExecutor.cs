using Akka.Actor.Internal;
using Akka.Dispatch;

namespace Gateway.Streams.Pipeline;

/// <summary>
/// Runs a mailbox on the thread that scheduled it, unless that thread is running an actor already (then on the
/// .NET thread pool, as Akka's default executor does). See <see cref="PipelineDispatcher"/>.
/// </summary>
internal sealed class CallerRunsExecutor(string id) : ExecutorService(id)
{
    [ThreadStatic]
    private static bool _running;

    public override void Execute(IRunnable run)
    {
        // Nested: the mailbox re-registering itself at the end of an inline run, or a message sent from inside
        // another actor. Inline there would recurse or run one actor inside another; the pool takes it instead.
        if (_running || InternalCurrentActorCellKeeper.Current is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: false);
            return;
        }

        _running = true;
        try
        {
            run.Run();
        }
        finally
        {
            _running = false;
        }
    }

    public override void Shutdown()
    {
        // Nothing to stop: the executor owns no threads.
    }
}
