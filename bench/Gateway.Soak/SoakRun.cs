using System.Diagnostics;

namespace Gateway.Soak;

/// <summary>
/// Start everything, warm up, quiesce and take the baseline, run the traffic for the soak time (sampling memory every
/// few seconds), quiesce again and compare. "Quiesce" = stop the traffic, drop its connections, wait until nothing is
/// in flight and the idle pooled upstream connections have retired, force a full compacting collection.
/// </summary>
internal static class SoakRun
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    public static async Task<SoakResult> RunAsync(SoakOptions options)
    {
        await using var environment = await SoakEnvironment.StartAsync();
        await environment.WaitUntilReadyAsync();
        using var inspector = new Inspector(environment);
        var tally = new Tally();
        var timeline = new List<Snapshot>();

        Console.WriteLine($"warming up for {options.WarmupSeconds:0} s ...");
        await DriveAsync(environment, options, tally, TimeSpan.FromSeconds(options.WarmupSeconds), null, null, 0);
        var baseline = await QuiesceAsync(inspector);
        var info = GC.GetGCMemoryInfo();
        Console.WriteLine($"GC after collection: heap size {Mb(info.HeapSizeBytes)} MB, fragmented {Mb(info.FragmentedBytes)} MB, committed {Mb(info.TotalCommittedBytes)} MB, generations {string.Join(", ", info.GenerationInfo.ToArray().Select(g => Mb(g.SizeAfterBytes)))}");
        Console.WriteLine($"baseline: working set {Mb(baseline.WorkingSetBytes)} MB, GC heap {Mb(baseline.GcHeapBytes)} MB, {baseline.Actors} actors");

        var duration = TimeSpan.FromMinutes(options.Minutes);
        var started = Stopwatch.StartNew();
        await DriveAsync(environment, options, tally, duration, inspector, timeline, options.Seed);
        var elapsed = started.Elapsed;
        var end = await QuiesceAsync(inspector);
        timeline.Add(end);

        var simulatorTokens = await inspector.SimulatorTokensAsync(SoakEnvironment.CleanModel);
        var checks = SoakChecks.Evaluate(baseline, end, tally, environment.AccessLog, simulatorTokens);
        return new SoakResult(elapsed, baseline, end, timeline, tally, checks);
    }

    private static async Task DriveAsync(SoakEnvironment environment, SoakOptions options, Tally tally, TimeSpan duration, Inspector? inspector, List<Snapshot>? timeline, int seed)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1024, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        using var client = new HttpClient(handler) { BaseAddress = environment.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
        var traffic = new Traffic(client, tally);
        using var stop = new CancellationTokenSource(duration);
        var workers = Enumerable.Range(0, options.Concurrency).Select(i => Task.Run(() => traffic.RunWorkerAsync(seed * 1000 + i, stop.Token))).ToList();
        workers.Add(Task.Run(() => traffic.RunOverLimitWorkerAsync(stop.Token)));
        workers.Add(Task.Run(() => traffic.RunTimeoutWorkerAsync(stop.Token)));
        if (inspector is not null && timeline is not null)
        {
            var lastPrint = Stopwatch.StartNew();
            while (!stop.IsCancellationRequested)
            {
                timeline.Add(await inspector.TakeAsync());
                if (lastPrint.Elapsed > TimeSpan.FromSeconds(60))
                {
                    var s = timeline[^1];
                    Console.WriteLine($"{s.ElapsedSeconds,6:0} s: {tally.Total} requests, {tally.UnexpectedCount} unexpected, working set {Mb(s.WorkingSetBytes)} MB, GC heap {Mb(s.GcHeapBytes)} MB, in flight {s.GatewayInFlight}, {s.Actors} actors");
                    lastPrint.Restart();
                }

                try
                {
                    await Task.Delay(SampleEvery, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(workers);
    }

    private static async Task<Snapshot> QuiesceAsync(Inspector inspector)
    {
        var deadline = Stopwatch.StartNew();
        Snapshot s;
        do
        {
            await Task.Delay(250);
            s = await inspector.TakeAsync();
        }
        while ((s.GatewayInFlight > 0 || s.GatewayQueued > 0 || s.ReplicaInFlight > 0 || s.SimulatorInFlight > 0 || s.ClientConnections > 0) && deadline.Elapsed < TimeSpan.FromSeconds(30));

        // Idle pooled upstream connections retire after 4 s (UpstreamHttpClient); give them that and a probe round.
        await Task.Delay(TimeSpan.FromSeconds(6));
        return await inspector.TakeAfterCollectionAsync();
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
