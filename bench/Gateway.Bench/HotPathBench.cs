using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Gateway.Host.Validation;
using Gateway.Streams.Breaker;
using Gateway.Streams.Json;
using Gateway.Streams.Limits;
using Gateway.Streams.Relay;
using Gateway.Streams.Sse;

namespace Gateway.Bench;

/// <summary>
/// BenchmarkDotNet micro-benchmarks of the hot pieces, with allocations (<c>-- micro</c>). The SSE ones take one
/// upstream read of 20 vLLM chunks + the usage chunk + <c>[DONE]</c> and report per read; divide by 22 for per event.
/// </summary>
[MemoryDiagnoser]
public class HotPathBench
{
    private const string Chunk = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private const string UsageChunk = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"total_tokens\":32,\"completion_tokens\":20}}";
    private const string Body = "{\"model\":\"bench-model\",\"stream\":true,\"max_tokens\":64,\"temperature\":0.7,\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Say hello in twenty words, please.\"}]}";

    private readonly List<SseEvent> _events = new(32);
    private readonly byte[] _read;
    private readonly byte[] _chunk = Encoding.UTF8.GetBytes(Chunk);
    private readonly byte[] _usageChunk = Encoding.UTF8.GetBytes(UsageChunk);
    private readonly byte[] _body = Encoding.UTF8.GetBytes(Body);
    private readonly JsonDocument _document;
    private readonly LocalKeyLimiter _limiter = new(10_000, TimeSpan.FromMinutes(10));
    private readonly KeyLimits _limits = new(1_000_000_000, 0, 0);
    private readonly UpstreamCircuitBreaker _breaker = new(5, TimeSpan.FromSeconds(30));

    public HotPathBench()
    {
        var read = new StringBuilder();
        for (var i = 0; i < 20; i++)
        {
            read.Append("data: ").Append(Chunk).Append("\n\n");
        }

        read.Append("data: ").Append(UsageChunk).Append("\n\ndata: [DONE]\n\n");
        _read = Encoding.UTF8.GetBytes(read.ToString());
        _document = JsonDocument.Parse(_body);
    }

    /// <summary>Framing one read into its 22 events (a fresh parser per stream is not included).</summary>
    [Benchmark]
    public int SseFramingPerRead()
    {
        var parser = new SseEventParser();
        _events.Clear();
        parser.Feed(new ReadOnlyMemory<byte>(_read), _events);
        return _events.Count;
    }

    /// <summary>What the relay asks of every event: [DONE]?, in-band error?, usage (skipped without "usage").</summary>
    [Benchmark]
    public bool InspectOrdinaryChunk()
    {
        var e = new SseEvent(_chunk);
        var (usage, _) = TokenUsage.InspectChunk(e.Data.Span);
        return e.IsDone || e.IsError || usage is not null;
    }

    [Benchmark]
    public bool InspectUsageChunk()
    {
        var (usage, usageOnly) = TokenUsage.InspectChunk(_usageChunk);
        return usageOnly && usage is not null;
    }

    /// <summary>Request inspection: UTF-8/JSON/depth checks and the parse the request path works on (model, stream).</summary>
    [Benchmark]
    public bool RequestInspection()
    {
        RequestBodyCheck.TryParse(_body, out var document);
        using (document)
        {
            var root = document!.RootElement;
            return root.TryGetProperty("model"u8, out _) && root.TryGetProperty("stream"u8, out var stream) && stream.GetBoolean();
        }
    }

    /// <summary>The body rewrite a stream always needs (ask vLLM for the usage chunk).</summary>
    [Benchmark]
    public int BodyRewrite() => JsonBodyRewriter.Rewrite(_document.RootElement, new BodyEdits(IncludeUsage: true)).Length;

    [Benchmark]
    public bool LimiterCheck()
    {
        var decision = _limiter.TryAcquire("bench", _limits, 0);
        decision.Lease?.Complete(null);
        return decision.Allowed;
    }

    [Benchmark]
    public bool BreakerCheck()
    {
        var ok = _breaker.TryAcquire(out _);
        _breaker.RecordSuccess();
        return ok;
    }
}
