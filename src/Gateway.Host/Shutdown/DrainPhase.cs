namespace Gateway.Host.Shutdown;

/// <summary>Where the gateway is in its shutdown drain; it only moves forward.</summary>
internal enum DrainPhase
{
    /// <summary>Normal operation.</summary>
    Serving,

    /// <summary><c>/ready</c> says <c>draining</c> (503) while requests are still served, for <c>DrainDelaySeconds</c>.</summary>
    Draining,

    /// <summary>New requests get 503 <c>shutting_down</c>; requests in flight run on until the drain timeout.</summary>
    Refusing,
}
