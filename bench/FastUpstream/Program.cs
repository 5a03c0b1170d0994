// A minimal, fast vLLM stand-in for side-by-side proxy benchmarks (bench/side-by-side.sh).
// POST /v1/chat/completions: plain -> one ~300-byte vLLM chat.completion; "stream":true -> N chunk events in
// vLLM's shape, a usage chunk and [DONE]. A body field "bench_slow_ms":S spaces the events S ms apart (held-open
// streams); "bench_events":N overrides the event count. GET /health and GET /v1/models serve the gateway's probes.
using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var port = 18000;
var events = 20;
var models = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--events": events = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--model": models.Add(args[++i]); break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
if (models.Count == 0)
{
    models.Add("bench-model");
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxConcurrentConnections = null;
    k.Limits.MaxConcurrentUpgradedConnections = null;
    k.Limits.MinResponseDataRate = null;
    k.AddServerHeader = false;
    k.Listen(System.Net.IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1);
});
var app = builder.Build();

const string Id = "chatcmpl-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
byte[] plain = Encoding.UTF8.GetBytes(
    "{\"id\":\"" + Id + "\",\"object\":\"chat.completion\",\"created\":1764720000,\"model\":\"" + models[0] + "\"," +
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello! How can I help you today?\"," +
    "\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null}]," +
    "\"usage\":{\"prompt_tokens\":12,\"total_tokens\":21,\"completion_tokens\":9,\"prompt_tokens_details\":null}," +
    "\"prompt_logprobs\":null}");
byte[] first = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"" + Id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764720000,\"model\":\"" + models[0] + "\"," +
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
byte[] token = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"" + Id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764720000,\"model\":\"" + models[0] + "\"," +
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
byte[] last = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"" + Id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764720000,\"model\":\"" + models[0] + "\"," +
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null}]}\n\n");
byte[] usage = Encoding.UTF8.GetBytes(
    "data: {\"id\":\"" + Id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764720000,\"model\":\"" + models[0] + "\"," +
    "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":32,\"completion_tokens\":20}}\n\n");
byte[] done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");
byte[] modelsBody = Encoding.UTF8.GetBytes(
    "{\"object\":\"list\",\"data\":[" + string.Join(",", models.Select(m =>
        "{\"id\":\"" + m + "\",\"object\":\"model\",\"created\":1764720000,\"owned_by\":\"vllm\",\"root\":\"" + m +
        "\",\"parent\":null,\"max_model_len\":8192,\"permission\":[]}")) + "]}");
byte[] healthBody = [];
byte[] streamKey = "\"stream\":true"u8.ToArray();
byte[] streamKeySpaced = "\"stream\": true"u8.ToArray();
byte[] slowKey = "\"bench_slow_ms\":"u8.ToArray();
byte[] eventsKey = "\"bench_events\":"u8.ToArray();

app.Run(async ctx =>
{
    var req = ctx.Request;
    var res = ctx.Response;
    if (HttpMethods.IsGet(req.Method))
    {
        if (req.Path == "/health")
        {
            res.StatusCode = 200;
            res.ContentLength = 0;
            return;
        }
        if (req.Path == "/v1/models")
        {
            res.ContentType = "application/json";
            res.ContentLength = modelsBody.Length;
            await res.Body.WriteAsync(modelsBody);
            return;
        }
        res.StatusCode = 404;
        return;
    }
    if (!HttpMethods.IsPost(req.Method) || req.Path != "/v1/chat/completions")
    {
        res.StatusCode = 404;
        return;
    }

    // Read the whole body (requests are small) and look for the few flags by byte search: no JSON parse.
    var ms = new MemoryStream();
    await req.Body.CopyToAsync(ms);
    var body = ms.GetBuffer().AsMemory(0, (int)ms.Length);
    var span = body.Span;
    var stream = span.IndexOf(streamKey) >= 0 || span.IndexOf(streamKeySpaced) >= 0;
    if (!stream)
    {
        res.ContentType = "application/json";
        res.ContentLength = plain.Length;
        await res.Body.WriteAsync(plain);
        return;
    }

    var slowMs = ReadInt(span, slowKey) ?? 0;
    var n = ReadInt(span, eventsKey) ?? events;
    res.ContentType = "text/event-stream";
    res.Headers.CacheControl = "no-cache";
    var w = res.BodyWriter;
    var ct = ctx.RequestAborted;
    if (slowMs <= 0)
    {
        // Fast: all events written, one flush per event (as vLLM does), no delay.
        w.Write(first);
        await w.FlushAsync(ct);
        for (var i = 1; i < n - 1; i++)
        {
            w.Write(token);
            await w.FlushAsync(ct);
        }
        w.Write(last);
        w.Write(usage);
        w.Write(done);
        await w.FlushAsync(ct);
        return;
    }

    try
    {
        w.Write(first);
        await w.FlushAsync(ct);
        for (var i = 1; i < n; i++)
        {
            await Task.Delay(slowMs, ct);
            w.Write(i == n - 1 ? last : token);
            await w.FlushAsync(ct);
        }
        w.Write(usage);
        w.Write(done);
        await w.FlushAsync(ct);
    }
    catch (OperationCanceledException)
    {
        // client went away
    }
});

await app.RunAsync();
return 0;

static int? ReadInt(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
{
    var at = body.IndexOf(key);
    if (at < 0)
    {
        return null;
    }
    var rest = body[(at + key.Length)..].TrimStart((byte)' ');
    return Utf8Parser.TryParse(rest, out int value, out _) ? value : null;
}
