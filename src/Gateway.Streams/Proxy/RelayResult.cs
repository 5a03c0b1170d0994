namespace Gateway.Streams.Proxy;

/// <summary>How a relay ended; the HTTP side logs it and the metrics count it.</summary>
public enum RelayResult
{
    Completed,
    ClientAborted,
    UpstreamTimedOut,
    UpstreamFailed,
    UpstreamTruncated,
}
