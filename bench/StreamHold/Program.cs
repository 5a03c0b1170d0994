// Opens many streamed chat completions over raw loopback sockets and measures them (bench/side-by-side.sh).
//
// held mode (default): --streams N one-shot streams (Connection: close), opened with at most --connect-parallel
//   waiting for their first event at once, then held until [DONE]. Reports completed/dropped, time to first event
//   (TTFE) p50/p99, and the peak VmRSS of the --pid process(es) over the baseline sampled before the first stream,
//   in KB per held stream.
// loop mode (--loop-seconds D): --concurrency C keep-alive connections, each requesting stream after stream for D
//   seconds. Reports streams/s and TTFE p50/p99.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

var host = "127.0.0.1";
var port = 8000;
var token = "bench-token";
var model = "bench-model";
var streams = 1000;
var slowMs = 500;
var events = 30;
var connectParallel = 200;
var loopSeconds = 0.0;
var warmSeconds = 0.0;
var concurrency = 32;
var pids = new List<int>();
for (var i = 0; i < args.Length; i++)
{
    string Next() => args[++i];
    int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
    switch (args[i])
    {
        case "--host": host = Next(); break;
        case "--port": port = NextInt(); break;
        case "--token": token = Next(); break;
        case "--model": model = Next(); break;
        case "--streams": streams = NextInt(); break;
        case "--slow-ms": slowMs = NextInt(); break;
        case "--events": events = NextInt(); break;
        case "--connect-parallel": connectParallel = NextInt(); break;
        case "--loop-seconds": loopSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = NextInt(); break;
        case "--warm-seconds": warmSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--pid": pids.Add(NextInt()); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var loop = loopSeconds > 0;
var fastBody = $"{{\"model\":\"{model}\",\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"Say hello.\"}}],\"max_tokens\":{events}}}";
var slowBody = $"{{\"model\":\"{model}\",\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"Say hello.\"}}],\"max_tokens\":{events},\"bench_slow_ms\":{slowMs},\"bench_events\":{events}}}";
byte[] Request(string body, bool keepAlive) => Encoding.ASCII.GetBytes(
    "POST /v1/chat/completions HTTP/1.1\r\n" +
    $"Host: {host}:{port}\r\n" +
    $"Authorization: Bearer {token}\r\n" +
    "Content-Type: application/json\r\n" +
    "Accept: text/event-stream\r\n" +
    $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n" +
    (keepAlive ? "" : "Connection: close\r\n") +
    "\r\n" + body);
var fastRequest = Request(fastBody, keepAlive: true);
var request = Request(slowBody, keepAlive: false);
var endpoint = new IPEndPoint(IPAddress.Parse(host), port);

if (loop)
{
    return await RunLoop(loopSeconds, print: true);
}
if (warmSeconds > 0)
{
    // warm the proxy's streaming path (JIT, pools) so the memory delta below is per stream, not start-up
    await RunLoop(warmSeconds, print: false);
    await Task.Delay(1000);
}
return await RunHeld();

async Task<int> RunHeld()
{
    var baseRss = ReadRss(pids);
    long peakRss = baseRss;
    using var stopSampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!stopSampling.IsCancellationRequested)
        {
            peakRss = Math.Max(peakRss, ReadRss(pids));
            try { await Task.Delay(100, stopSampling.Token); } catch (OperationCanceledException) { }
        }
    });
    var gate = new SemaphoreSlim(connectParallel);
    var ttfe = new double[streams];
    var ok = new bool[streams];
    var firstSeen = 0;
    var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    var clock = Stopwatch.StartNew();
    var tasks = new Task[streams];
    for (var s = 0; s < streams; s++)
    {
        var idx = s;
        await gate.WaitAsync();
        tasks[s] = Task.Run(async () =>
        {
            var released = false;
            try
            {
                using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await sock.ConnectAsync(endpoint);
                var start = Stopwatch.GetTimestamp();
                await sock.SendAsync(request);
                var reader = new ResponseReader(sock);
                if (!await reader.ReadUntilFirstEventAsync())
                {
                    errors.AddOrUpdate(reader.Failure, 1, (_, n) => n + 1);
                    return;
                }
                ttfe[idx] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                Interlocked.Increment(ref firstSeen);
                gate.Release();
                released = true;
                if (await reader.ReadToEndAsync(keepAlive: false))
                {
                    ok[idx] = true;
                }
                else
                {
                    errors.AddOrUpdate(reader.Failure, 1, (_, n) => n + 1);
                }
            }
            catch (Exception e)
            {
                errors.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
            finally
            {
                if (!released)
                {
                    gate.Release();
                }
            }
        });
    }
    var rampSeconds = clock.Elapsed.TotalSeconds;
    await Task.WhenAll(tasks);
    await stopSampling.CancelAsync();
    await sampler;
    var completed = ok.Count(x => x);
    var firsts = ttfe.Where((t, i) => t > 0).OrderBy(t => t).ToArray();
    var kbPer = firstSeen > 0 && pids.Count > 0 ? (peakRss - baseRss) / (double)firstSeen : 0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode=held streams={streams} first_event={firstSeen} completed={completed} dropped={streams - completed} " +
        $"ttfe_p50_ms={Pct(firsts, 50):F2} ttfe_p99_ms={Pct(firsts, 99):F2} ramp_s={rampSeconds:F1} " +
        $"rss_base_kb={baseRss} rss_peak_kb={peakRss} kb_per_stream={kbPer:F1} errors={Errs(errors)}"));
    return 0;
}

async Task<int> RunLoop(double seconds, bool print)
{
    var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var ttfes = new List<double>[concurrency];
    var counts = new int[concurrency];
    var errors = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
    {
        ttfes[c] = [];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            try
            {
                using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await sock.ConnectAsync(endpoint);
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var start = Stopwatch.GetTimestamp();
                    await sock.SendAsync(fastRequest);
                    var reader = new ResponseReader(sock);
                    if (!await reader.ReadUntilFirstEventAsync())
                    {
                        errors.AddOrUpdate(reader.Failure, 1, (_, n) => n + 1);
                        break;
                    }
                    ttfes[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (!await reader.ReadToEndAsync(keepAlive: true))
                    {
                        errors.AddOrUpdate(reader.Failure, 1, (_, n) => n + 1);
                        break;
                    }
                    counts[c]++;
                }
            }
            catch (Exception e)
            {
                errors.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
            }
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var elapsed = clock.Elapsed.TotalSeconds;
    var all = ttfes.SelectMany(x => x).OrderBy(x => x).ToArray();
    if (!print)
    {
        return 0;
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT mode=loop concurrency={concurrency} streams={counts.Sum()} streams_per_s={counts.Sum() / elapsed:F0} " +
        $"ttfe_p50_ms={Pct(all, 50):F3} ttfe_p99_ms={Pct(all, 99):F3} errors={Errs(errors)}"));
    return 0;
}

static double Pct(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

static string Errs(System.Collections.Concurrent.ConcurrentDictionary<string, int> errors) =>
    errors.IsEmpty ? "none" : string.Join(",", errors.Select(kv => $"{kv.Key}:{kv.Value}"));

static long ReadRss(List<int> pids)
{
    long total = 0;
    foreach (var pid in pids)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    total += long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
    }
    return total;
}

/// <summary>Reads one HTTP/1.1 streamed response: status, headers, then SSE until [DONE] and the end of the body.</summary>
sealed class ResponseReader(Socket sock)
{
    private readonly byte[] _buf = new byte[8192];
    private readonly MemoryStream _seen = new();
    private int _bodyStart = -1;

    public string Failure { get; private set; } = "";

    public async Task<bool> ReadUntilFirstEventAsync()
    {
        while (true)
        {
            if (_bodyStart < 0)
            {
                var headerEnd = IndexOf(_seen, "\r\n\r\n"u8, 0);
                if (headerEnd >= 0)
                {
                    _bodyStart = headerEnd + 4;
                    var status = Encoding.ASCII.GetString(_seen.GetBuffer(), 9, 3);
                    if (status != "200")
                    {
                        Failure = "status_" + status;
                        return false;
                    }
                }
            }
            if (_bodyStart >= 0 && IndexOf(_seen, "data:"u8, _bodyStart) >= 0)
            {
                return true;
            }
            if (!await ReadMoreAsync())
            {
                Failure = "eof_before_first_event";
                return false;
            }
        }
    }

    public async Task<bool> ReadToEndAsync(bool keepAlive)
    {
        var searchFrom = _bodyStart;
        var sawDone = false;
        while (true)
        {
            if (!sawDone)
            {
                var at = IndexOf(_seen, "data: [DONE]"u8, Math.Max(_bodyStart, searchFrom - 16));
                sawDone = at >= 0;
                searchFrom = (int)_seen.Length;
            }
            if (sawDone && keepAlive && EndsWith(_seen, "\r\n0\r\n\r\n"u8))
            {
                return true;
            }
            if (!await ReadMoreAsync())
            {
                if (!sawDone)
                {
                    Failure = "eof_before_done";
                }
                return sawDone && !keepAlive;
            }
        }
    }

    private async Task<bool> ReadMoreAsync()
    {
        int n;
        try
        {
            n = await sock.ReceiveAsync(_buf.AsMemory());
        }
        catch (SocketException e)
        {
            Failure = "socket_" + e.SocketErrorCode;
            return false;
        }
        if (n <= 0)
        {
            return false;
        }
        _seen.Write(_buf, 0, n);
        return true;
    }

    private static int IndexOf(MemoryStream ms, ReadOnlySpan<byte> what, int from)
    {
        if (from >= ms.Length)
        {
            return -1;
        }
        var i = ms.GetBuffer().AsSpan(from, (int)ms.Length - from).IndexOf(what);
        return i < 0 ? -1 : i + from;
    }

    private static bool EndsWith(MemoryStream ms, ReadOnlySpan<byte> what) =>
        ms.GetBuffer().AsSpan(0, (int)ms.Length).EndsWith(what);
}
