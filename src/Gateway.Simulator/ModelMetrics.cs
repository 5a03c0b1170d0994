namespace Gateway.Simulator;

/// <summary>vLLM's per-model engine metrics (the numbers behind <c>GET /metrics</c>), updated lock-free.</summary>
internal sealed class ModelMetrics(string name)
{
    private long _running;
    private long _waiting;
    private long _promptTokens;
    private long _generationTokens;
    private long _finishedStop;
    private long _finishedLength;
    private long _finishedAbort;

    public string Name { get; } = name;

    public long Running => Interlocked.Read(ref _running);

    public long Waiting => Interlocked.Read(ref _waiting);

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long GenerationTokens => Interlocked.Read(ref _generationTokens);

    public long FinishedStop => Interlocked.Read(ref _finishedStop);

    public long FinishedLength => Interlocked.Read(ref _finishedLength);

    public long FinishedAbort => Interlocked.Read(ref _finishedAbort);

    public void EnterWaiting() => Interlocked.Increment(ref _waiting);

    public void ExitWaiting() => Interlocked.Decrement(ref _waiting);

    /// <summary>The request was scheduled: its prompt is prefilled.</summary>
    public void EnterRunning(int promptTokens)
    {
        Interlocked.Increment(ref _running);
        Interlocked.Add(ref _promptTokens, promptTokens);
    }

    public void ExitRunning() => Interlocked.Decrement(ref _running);

    public void AddGenerationTokens(int count) => Interlocked.Add(ref _generationTokens, count);

    /// <summary>Counts one finished request under <c>vllm:request_success_total{finished_reason}</c>.</summary>
    public void Finished(string finishReason)
    {
        switch (finishReason)
        {
            case FinishReasons.Length:
                Interlocked.Increment(ref _finishedLength);
                break;
            case FinishReasons.Abort:
                Interlocked.Increment(ref _finishedAbort);
                break;
            default:
                Interlocked.Increment(ref _finishedStop);
                break;
        }
    }
}

/// <summary>The <c>finish_reason</c> strings vLLM reports.</summary>
internal static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string Abort = "abort";
    public const string ToolCalls = "tool_calls";
}
