namespace Gateway.Streams.Proxy;

/// <summary>How a relay ended; the HTTP side logs it and the metrics count it.</summary>
public enum RelayResult
{
    Completed,
    ClientAborted,
    UpstreamTimedOut,
    UpstreamFailed,
    UpstreamTruncated,

    /// <summary>The gateway ended the stream itself: it was still running when the shutdown drain timed out.</summary>
    GatewayStopped,
}
