namespace Gateway.Streams.Breaker;

/// <summary>Breaker states; the numeric values are the Python gateway's gauge values.</summary>
public enum CircuitState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}
