using static Gateway.Soak.SoakRun;

namespace Gateway.Soak;

/// <summary>
/// The end-of-soak verdicts. "Near the start" for memory: the GC heap after a forced compacting collection within
/// 25% + 16 MB of the baseline's, the working set within 25% + 64 MB (the runtime keeps freed segments for reuse);
/// counts of actors, connections, in-flight and queued requests no higher than at the baseline (in flight: zero).
/// </summary>
internal static class SoakChecks
{
    public static List<SoakCheck> Evaluate(Snapshot baseline, Snapshot end, Tally tally, AccessLogSink accessLog, (long Prompt, long Generation) simulator)
    {
        var heapBound = (long)(baseline.GcHeapBytes * 1.25) + (16L << 20);
        var workingSetBound = (long)(baseline.WorkingSetBytes * 1.25) + (64L << 20);
        var gatewayTokens = accessLog.PromptTokens + accessLog.CompletionTokens;
        var clientTokens = tally.CleanPromptTokens + tally.CleanCompletionTokens;
        var simulatorTokens = simulator.Prompt + simulator.Generation;
        return
        [
            new("GC heap back near the start", end.GcHeapBytes <= heapBound, $"{Mb(baseline.GcHeapBytes)} → {Mb(end.GcHeapBytes)} MB (bound {Mb(heapBound)})"),
            new("working set back near the start", end.WorkingSetBytes <= workingSetBound, $"{Mb(baseline.WorkingSetBytes)} → {Mb(end.WorkingSetBytes)} MB (bound {Mb(workingSetBound)})"),
            new("no growth in actors", end.Actors <= baseline.Actors, $"{baseline.Actors} → {end.Actors}"),
            new("no client connections held", end.ClientConnections <= baseline.ClientConnections, $"{baseline.ClientConnections} → {end.ClientConnections}"),
            // Probes (every 2 s, 2 models × 2 replicas) keep up to 4 pooled connections alive; more would be a leak.
            new("no growth in upstream connections", end.UpstreamConnections <= Math.Max(baseline.UpstreamConnections, 4), $"{baseline.UpstreamConnections} → {end.UpstreamConnections} (probes keep up to 4)"),
            new("nothing in flight or queued (gateway, replicas, simulators)", end.GatewayInFlight + end.GatewayQueued + end.ReplicaInFlight + end.SimulatorInFlight == 0,
                $"in flight {end.GatewayInFlight}, queued {end.GatewayQueued}, replica in flight {end.ReplicaInFlight}, simulator in flight {end.SimulatorInFlight}"),
            new("no growth in threads", end.Threads <= baseline.Threads + 16, $"{baseline.Threads} → {end.Threads}"),
            new("gateway's token counts = simulators' (clean model)", gatewayTokens == simulatorTokens && accessLog.PromptTokens == simulator.Prompt,
                $"access log prompt {accessLog.PromptTokens:N0} + completion {accessLog.CompletionTokens:N0}; simulators prompt {simulator.Prompt:N0} + generation {simulator.Generation:N0}"),
            new("clients received the same usage", clientTokens == simulatorTokens, $"{clientTokens:N0} tokens in responses vs {simulatorTokens:N0}"),
            new("zero unexpected answers", tally.UnexpectedCount == 0, $"{tally.UnexpectedCount} of {tally.Total:N0}"),
            new("no 500 in the access log", accessLog.ServerErrors == 0, $"{accessLog.ServerErrors}"),
        ];
    }
}
