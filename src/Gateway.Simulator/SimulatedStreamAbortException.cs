namespace Gateway.Simulator;

/// <summary>
/// Thrown to Kestrel on purpose by <c>vllm_sim.fail_after_chunks</c>: an application error after the response has
/// started makes Kestrel end an HTTP/1.1 response without its final chunk and close the connection.
/// </summary>
public sealed class SimulatedStreamAbortException : Exception
{
    public SimulatedStreamAbortException()
        : base("Simulated stream abort")
    {
    }

    public SimulatedStreamAbortException(string message)
        : base(message)
    {
    }

    public SimulatedStreamAbortException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal SimulatedStreamAbortException(int chunks)
        : base($"Simulated stream abort after {chunks} chunks (vllm_sim.fail_after_chunks)")
    {
    }
}
