using Akka;
using Akka.Streams.Dsl;
using Gateway.Streams.Sse;

namespace Gateway.Streams.Proxy;

/// <summary>How a response is rewritten on its way back: whole (plain JSON) or event by event (SSE).</summary>
public sealed record ResponseTransform(
    Func<ReadOnlyMemory<byte>, ReadOnlyMemory<byte>> Plain,
    Func<Flow<SseEvent, SseEvent, NotUsed>> Stream)
{
    /// <summary><paramref name="first"/> (when there is one), then <paramref name="then"/>.</summary>
    public static ResponseTransform Then(ResponseTransform? first, ResponseTransform then) => first is null
        ? then
        : new ResponseTransform(body => then.Plain(first.Plain(body)), () => first.Stream().Via(then.Stream()));
}
