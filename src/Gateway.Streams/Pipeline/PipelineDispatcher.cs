namespace Gateway.Streams.Pipeline;

/// <summary>
/// The dispatcher a model's pipeline graph runs on when the actor system defines it (<see cref="Hocon"/>; the
/// gateway's does). Its executor runs the graph actor's mailbox on the thread that woke it, an HTTP thread handing
/// in a request or the thread that finished one, instead of queueing it to the .NET thread pool. So a request
/// flows through the graph and is sent upstream on the thread that admitted it, as a plain reverse proxy would
/// send it: no wake-up of a pool worker per request, which on an idle gateway was a scheduler round trip on the
/// path of every request. The graph actor still processes one message at a time (its mailbox guarantees it);
/// a wake-up from a thread already running an actor goes to the pool.
/// </summary>
public static class PipelineDispatcher
{
    public const string Id = "gateway.pipeline-dispatcher";

    /// <summary>The dispatcher's HOCON, for the actor system's configuration.</summary>
    public static string Hocon { get; } =
        $"{Id} {{\n  type = Dispatcher\n  executor = \"{typeof(CallerRunsExecutorConfigurator).FullName}, {typeof(CallerRunsExecutorConfigurator).Assembly.GetName().Name}\"\n  throughput = 30\n}}";
}
