using Gateway.Streams.Proxy;
using Gateway.Streams.Queueing;
using Gateway.Streams.Tests.Support;

namespace Gateway.Streams.Tests.Queueing;

public class FairQueueSpec
{
    private static ProxyRequest? Next(FairQueue queue) => queue.TryDequeue(() => { }, out var r) ? r : null;

    [Fact]
    public void One_key_alone_is_served_in_arrival_order()
    {
        var queue = new FairQueue(10, 10);
        var requests = Enumerable.Range(0, 3).Select(_ => Requests.Chat(promptEstimate: 10)).ToList();
        requests.ForEach(r => Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(r)));

        Assert.Equal(requests, [Next(queue)!, Next(queue)!, Next(queue)!]);
        Assert.Null(Next(queue));
    }

    [Fact]
    public void The_total_and_the_per_key_bounds_refuse_at_once()
    {
        var queue = new FairQueue(3, 2);
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "a")));
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "a")));
        Assert.Equal(EnqueueResult.KeyQueueFull, queue.Enqueue(Requests.Chat(key: "a")));
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "b")));
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Requests.Chat(key: "c")));
    }

    [Fact]
    public void Free_in_flight_slots_stretch_the_bounds_so_a_burst_is_not_shed_while_slots_are_idle()
    {
        // maxInFlight 3, maxQueue 2 (1 per key): queued plus in flight may reach 5.
        var queue = new FairQueue(2, 1, maxInFlight: 3);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "a")));
        }

        Assert.Equal(EnqueueResult.KeyQueueFull, queue.Enqueue(Requests.Chat(key: "a")));
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "b")));
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Requests.Chat(key: "c")));

        // Three leave for their slots: the queue is back to its own bounds (2 waiting, no slot free).
        Next(queue);
        Next(queue);
        Next(queue);
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Requests.Chat(key: "c")));

        // A slot frees: one more may wait.
        queue.SlotFreed();
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat(key: "c")));
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Requests.Chat(key: "d")));
    }

    [Fact]
    public void A_key_that_was_idle_banks_no_credit()
    {
        var queue = new FairQueue(100, 100);
        for (var i = 0; i < 5; i++)
        {
            queue.Enqueue(Requests.Chat(key: "a", promptEstimate: 100));
            Next(queue);
        }

        queue.Enqueue(Requests.Chat(key: "a", promptEstimate: 100));
        queue.Enqueue(Requests.Chat(key: "b", promptEstimate: 100));

        // b starts at a's level, not at zero: it gets one turn, then they alternate.
        Assert.Equal(queue.CounterOf("a"), queue.CounterOf("b"));
    }

    [Fact]
    public void Service_is_counted_in_tokens_divided_by_priority()
    {
        var queue = new FairQueue(100, 100);
        queue.Enqueue(Requests.Chat(key: "a", promptEstimate: 300, priority: 3));
        queue.Enqueue(Requests.Chat(key: "a", promptEstimate: 300, priority: 3));
        Next(queue);
        queue.Charge("a", 300);
        Assert.Equal(200, queue.CounterOf("a"));
    }

    [Fact]
    public void A_waiter_is_woken_once_when_a_request_arrives()
    {
        var queue = new FairQueue(10, 10);
        var woken = 0;
        Assert.False(queue.TryDequeue(() => woken++, out _));
        queue.Enqueue(Requests.Chat());
        queue.Enqueue(Requests.Chat());
        Assert.Equal(1, woken);
    }

    [Fact]
    public async Task A_cancelled_request_leaves_the_queue_at_once_and_is_answered_499()
    {
        var queue = new FairQueue(2, 2);
        using var leaves = new CancellationTokenSource();
        var gone = Requests.Chat(aborted: leaves.Token);
        var stays = Requests.Chat();
        queue.Enqueue(gone);
        queue.Enqueue(stays);

        await leaves.CancelAsync();

        Assert.Equal(1, queue.Count);
        Assert.Equal(499, Assert.IsType<ProxyOutcome.Rejected>(gone.Outcome.Result).Error.Status);
        Assert.Same(stays, Next(queue));
    }

    [Fact]
    public void A_request_that_times_out_in_the_queue_leaves_it_at_once_and_its_place_is_free()
    {
        var queue = new FairQueue(2, 2);
        var expires = Requests.Chat();
        var stays = Requests.Chat();
        queue.Enqueue(expires);
        queue.Enqueue(stays);
        Assert.Equal(EnqueueResult.QueueFull, queue.Enqueue(Requests.Chat()));

        Assert.True(expires.TryExpireInQueue(GatewayError.QueueTimeout("waited too long", 1)));

        Assert.Equal(1, queue.Count);
        Assert.Equal("queue_timeout", Assert.IsType<ProxyOutcome.Rejected>(expires.Outcome.Result).Error.Code);
        Assert.True(expires.Finished.IsCompleted);
        Assert.Equal(EnqueueResult.Enqueued, queue.Enqueue(Requests.Chat()));
        Assert.Same(stays, Next(queue));
    }

    [Fact]
    public void A_request_that_left_the_queue_is_not_withdrawn_again_when_it_times_out()
    {
        var queue = new FairQueue(2, 2);
        var first = Requests.Chat();
        var second = Requests.Chat();
        queue.Enqueue(first);
        queue.Enqueue(second);
        Assert.Same(first, Next(queue));

        // Dequeued but not yet dispatched: it is answered, and the one still waiting keeps its place.
        Assert.True(first.TryExpireInQueue(GatewayError.QueueTimeout("waited too long", 1)));
        Assert.Equal(1, queue.Count);
        Assert.Same(second, Next(queue));
    }

    [Fact]
    public void Completing_refuses_new_requests_but_serves_the_waiting_ones()
    {
        var queue = new FairQueue(10, 10);
        var waiting = Requests.Chat();
        queue.Enqueue(waiting);
        queue.Complete();

        Assert.Equal(EnqueueResult.Closed, queue.Enqueue(Requests.Chat()));
        Assert.True(queue.IsClosed);
        Assert.Same(waiting, Next(queue));
        Assert.Null(Next(queue));
    }

    [Fact]
    public void Closing_returns_the_waiting_requests_and_refuses_new_ones()
    {
        var queue = new FairQueue(10, 10);
        queue.Enqueue(Requests.Chat(key: "a"));
        queue.Enqueue(Requests.Chat(key: "b"));
        Assert.Equal(2, queue.Close().Count);
        Assert.Equal(EnqueueResult.Closed, queue.Enqueue(Requests.Chat()));
        Assert.Equal(0, queue.Count);
    }
}
