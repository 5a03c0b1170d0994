using Akka.Configuration;
using Akka.Dispatch;

namespace Gateway.Streams.Pipeline;

/// <summary>Akka's hook for a custom executor (<c>executor = "type, assembly"</c> in a dispatcher's HOCON).</summary>
internal sealed class CallerRunsExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new CallerRunsExecutor(id);
}
