using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Gateway.Bench;

// Usage: dotnet run -c Release --project bench/Gateway.Bench -- [pipeline|relay|http|all] [--requests N] [--streams N] [--seconds S] [--concurrency C]
//        dotnet run -c Release --project bench/Gateway.Bench -- micro [--filter '*Name*']  (BenchmarkDotNet, in-process, with allocations)
//        dotnet run -c Release --project bench/Gateway.Bench -- keys    (BenchmarkDotNet: known and unknown bearer keys take the same time)
//        dotnet run -c Release --project bench/Gateway.Bench -- telemetry   (what metrics and tracing add per request, no exporter)
//        dotnet run -c Release --project bench/Gateway.Bench -- accesslog   (one access-log line, text and JSON: through Serilog against the direct line)
var mode = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}

if (mode == "micro")
{
    var job = BenchmarkDotNet.Jobs.Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
    BenchmarkDotNet.Running.BenchmarkRunner.Run<HotPathBench>(BenchmarkDotNet.Configs.DefaultConfig.Instance.AddJob(job), args[1..]); // e.g. --filter '*BodyRewrite*'
    return;
}

if (mode == "keys")
{
    var job = BenchmarkDotNet.Jobs.Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
    BenchmarkDotNet.Running.BenchmarkRunner.Run<KeyLookupBench>(BenchmarkDotNet.Configs.DefaultConfig.Instance.AddJob(job));
    return;
}

if (mode == "telemetry")
{
    var job = BenchmarkDotNet.Jobs.Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
    BenchmarkDotNet.Running.BenchmarkRunner.Run<TelemetryBench>(BenchmarkDotNet.Configs.DefaultConfig.Instance.AddJob(job));
    return;
}

if (mode == "accesslog")
{
    var job = BenchmarkDotNet.Jobs.Job.ShortRun.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance);
    BenchmarkDotNet.Running.BenchmarkRunner.Run<AccessLogBench>(BenchmarkDotNet.Configs.DefaultConfig.Instance.AddJob(job), args[1..]); // e.g. --filter '*Json*'
    return;
}

var concurrency = Option("--concurrency", 32);
if (mode is "pipeline" or "all")
{
    await PipelineBench.RunAsync(Option("--requests", 200_000), concurrency);
    Console.WriteLine();
}

if (mode is "relay" or "all")
{
    await RelayBench.RunAsync(Option("--streams", 50_000), concurrency);
    Console.WriteLine();
}

if (mode is "http" or "all")
{
    await HttpBench.RunAsync(TimeSpan.FromSeconds(Option("--seconds", 10)), concurrency);
}
