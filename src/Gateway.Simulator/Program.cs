using System.Runtime.InteropServices;

namespace Gateway.Simulator;

/// <summary>Standalone entry point: <c>dotnet run --project src/Gateway.Simulator -- --port 18000 --model NAME</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!SimulatorCli.TryParse(args, out var options, out var showHelp, out var error))
        {
            await Console.Error.WriteLineAsync($"vllm simulator: {error}");
            return 2;
        }

        if (showHelp)
        {
            Console.WriteLine(SimulatorCli.Usage);
            return 0;
        }

        SimulatorServer server;
        try
        {
            server = await SimulatorServer.StartAsync(options);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"vllm simulator: cannot start: {e.Message}");
            return 1;
        }

        await using (server)
        {
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnSignal(PosixSignalContext context)
            {
                context.Cancel = true;
                stop.TrySetResult();
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            var host = options.Host.Contains(':', StringComparison.Ordinal) ? "[" + options.Host + "]" : options.Host;
            Console.WriteLine($"vLLM simulator listening on http://{host}:{server.Port} serving {string.Join(',', options.Models)}");
            await stop.Task;
            await server.StopAsync();
        }

        return 0;
    }
}
