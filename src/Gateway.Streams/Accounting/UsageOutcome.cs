namespace Gateway.Streams.Accounting;

/// <summary>How a request ended, as usage accounting counts it.</summary>
public enum UsageOutcome
{
    /// <summary>Answered by the upstream and relayed whole.</summary>
    Completed,

    /// <summary>The client left (queued, waiting or mid-stream).</summary>
    ClientAborted,

    /// <summary>The upstream failed, timed out or cut the stream short.</summary>
    UpstreamError,

    /// <summary>Refused by a per-key limit (429).</summary>
    RateLimited,

    /// <summary>Refused by the gateway or vLLM for another reason (shed, queue timeout, shutting down, a 4xx from vLLM).</summary>
    Rejected,

    /// <summary>A stream the gateway ended itself because the shutdown drain timed out (counted for what was generated).</summary>
    GatewayStopped,
}
