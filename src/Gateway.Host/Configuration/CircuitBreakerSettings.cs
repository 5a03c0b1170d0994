namespace Gateway.Host.Configuration;

/// <summary>The upstream circuit breaker (<c>Gateway:CircuitBreaker</c>; legacy <c>CIRCUIT_BREAKER_*</c>).</summary>
internal sealed class CircuitBreakerSettings
{
    /// <summary>Legacy <c>CIRCUIT_BREAKER_ENABLED</c> (pydantic booleans: true/false, 1/0, yes/no, on/off, t/f, y/n).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Consecutive failures that open the breaker (&gt; 0).</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long the breaker stays open before a trial request (&gt; 0).</summary>
    public double CooldownSeconds { get; set; } = 30;

    /// <summary>Cap of the ejection time, which doubles with each ejection in a row starting at <see cref="CooldownSeconds"/> (&gt; 0).</summary>
    public double MaxEjectionSeconds { get; set; } = 300;
}
