using Akka.Streams;
using Akka.Streams.Dsl;
using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;
using Gateway.Streams.Stages;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Stages;

public class FairQueueSourceSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task It_emits_what_arrives_after_it_started_waiting_and_completes_when_the_queue_closes()
    {
        var queue = new FairQueue(10, 10);
        var seen = Source.FromGraph(new FairQueueSource(queue)).RunWith(Sink.Seq<ProxyRequest>(), Sys.Materializer());
        var a = Requests.Chat(key: "a");
        var b = Requests.Chat(key: "b");
        queue.Enqueue(a);
        await AwaitConditionAsync(() => Task.FromResult(queue.Count == 0), Wait);
        queue.Enqueue(b);
        await AwaitConditionAsync(() => Task.FromResult(queue.Count == 0), Wait);

        queue.Close();

        Assert.Equal([a, b], await seen.WaitAsync(Wait));
        Assert.NotEqual(0, a.DequeuedAt);
    }

    [Fact]
    public async Task It_emits_only_on_demand_so_requests_wait_in_the_queue_where_fairness_decides()
    {
        var queue = new FairQueue(100, 100);
        var pulled = new List<ProxyRequest>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = Source.FromGraph(new FairQueueSource(queue))
            .SelectAsync(1, async r =>
            {
                pulled.Add(r);
                await gate.Task;
                return r;
            })
            .RunWith(Sink.Ignore<ProxyRequest>(), Sys.Materializer());
        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Requests.Chat(key: "flood", promptEstimate: 100));
        }

        await AwaitConditionAsync(() => Task.FromResult(pulled.Count == 1), Wait);
        var light = Requests.Chat(key: "light", promptEstimate: 100);
        queue.Enqueue(light);
        gate.SetResult();
        await AwaitConditionAsync(() => Task.FromResult(pulled.Count == 6), Wait);

        Assert.Same(light, pulled[1]);
        queue.Close();
        await done.WaitAsync(Wait);
    }
}
