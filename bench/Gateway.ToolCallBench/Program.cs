using BenchmarkDotNet.Running;

// Usage: cd bench/Gateway.ToolCallBench && dotnet run -c Release -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Gateway.ToolCallBench.ToolCallParserBench).Assembly).Run(args);
