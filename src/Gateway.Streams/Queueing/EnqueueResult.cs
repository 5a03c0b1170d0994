namespace Gateway.Streams.Queueing;

/// <summary>What <see cref="FairQueue.Enqueue"/> did with a request.</summary>
public enum EnqueueResult
{
    Enqueued,

    /// <summary>The model's queue is full.</summary>
    QueueFull,

    /// <summary>This key already has its share of the queue waiting.</summary>
    KeyQueueFull,

    /// <summary>The pipeline stopped taking requests.</summary>
    Closed,
}
