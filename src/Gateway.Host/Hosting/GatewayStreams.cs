using Akka.Actor;
using Akka.Streams;

namespace Gateway.Host.Hosting;

/// <summary>The actor system's cached materializer, for the per-stream relay graphs.</summary>
internal sealed class GatewayStreams(ActorSystem system)
{
    public IMaterializer Materializer { get; } = system.Materializer();
}
