using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Akka.Actor;
using Akka.Actor.Internal;

namespace Gateway.Soak;

/// <summary>Reads the gateway's counters (its inspection endpoint), its actors, the loopback connections and memory.</summary>
internal sealed class Inspector(SoakEnvironment environment) : IDisposable
{
    private readonly HttpClient _admin = CreateAdminClient(environment);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public async Task<Snapshot> TakeAsync()
    {
        var (inFlight, queued, replicaInFlight) = await GatewayCountersAsync();
        using var process = Process.GetCurrentProcess();
        var simPorts = environment.Replicas.Select(r => r.Port).ToHashSet();
        var gatewayPort = environment.GatewayUrl.Port;
        var (client, upstream) = Connections(gatewayPort, simPorts);
        return new Snapshot(
            _clock.Elapsed.TotalSeconds,
            process.WorkingSet64,
            GC.GetTotalMemory(false),
            process.Threads.Count,
            CountActors(environment.ActorSystem),
            client,
            upstream,
            inFlight,
            queued,
            replicaInFlight,
            environment.Replicas.Sum(r => r.Stats.InFlight));
    }

    /// <summary>A full, compacting collection (large objects too), then a snapshot.</summary>
    public async Task<Snapshot> TakeAfterCollectionAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return await TakeAsync();
    }

    /// <summary>Sums the simulators' token counters for one served model, from their <c>/metrics</c>.</summary>
    public async Task<(long Prompt, long Generation)> SimulatorTokensAsync(string model)
    {
        long prompt = 0, generation = 0;
        using var metrics = new HttpClient();
        foreach (var replica in environment.Replicas)
        {
            var text = await metrics.GetStringAsync(new Uri(replica.BaseUrl, "/metrics"));
            prompt += Sample(text, "vllm:prompt_tokens_total", model);
            generation += Sample(text, "vllm:generation_tokens_total", model);
        }

        return (prompt, generation);
    }

    public void Dispose() => _admin.Dispose();

    private static HttpClient CreateAdminClient(SoakEnvironment environment)
    {
        var client = new HttpClient { BaseAddress = environment.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SoakEnvironment.NormalKey(0));
        client.DefaultRequestHeaders.ConnectionClose = true; // its own connection must not count as a held client connection
        return client;
    }

    private static long Sample(string metrics, string name, string model)
    {
        var prefix = $"{name}{{engine=\"0\",model_name=\"{model}\"}} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no {prefix.Trim()} in the simulator's metrics");
        return (long)double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }

    /// <summary>In-flight and queued requests of every model, and in-flight per replica, from <c>/admin/models</c>.</summary>
    private async Task<(int InFlight, int Queued, int ReplicaInFlight)> GatewayCountersAsync()
    {
        using var doc = JsonDocument.Parse(await _admin.GetStringAsync(new Uri("/admin/models", UriKind.Relative)));
        int inFlight = 0, queued = 0, replicas = 0;
        foreach (var model in doc.RootElement.EnumerateArray())
        {
            inFlight += model.GetProperty("in_flight").GetInt32();
            queued += model.GetProperty("queued").GetInt32();
            replicas += model.GetProperty("replicas").EnumerateArray().Sum(r => r.GetProperty("in_flight").GetInt32());
        }

        return (inFlight, queued, replicas);
    }

    /// <summary>Every live actor, /user and /system (stream stages of relays live under /system), by walking the tree.</summary>
    private static int CountActors(ActorSystem system)
    {
        var root = ((ExtendedActorSystem)system).Provider.RootGuardian;
        var count = 0;
        var pending = new Stack<IActorRef>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var actor = pending.Pop();
            count++;
            if (actor is ActorRefWithCell withCell)
            {
                foreach (var child in withCell.Children)
                {
                    pending.Push(child);
                }
            }
        }

        return count;
    }

    /// <summary>Established loopback TCP connections: clients to the gateway (its side), gateway to the simulators (client side).</summary>
    private static (int Client, int Upstream) Connections(int gatewayPort, HashSet<int> simulatorPorts)
    {
        int client = 0, upstream = 0;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file))
            {
                continue;
            }

            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "01")
                {
                    continue;
                }

                var local = Port(fields[1]);
                var remote = Port(fields[2]);
                client += local == gatewayPort ? 1 : 0;
                upstream += simulatorPorts.Contains(remote) ? 1 : 0;
            }
        }

        return (client, upstream);
    }

    private static int Port(string address) => int.Parse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
