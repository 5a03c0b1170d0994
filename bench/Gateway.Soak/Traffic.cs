using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Soak;

/// <summary>
/// The mixed traffic: plain and streamed chats and tool calls on the clean model (every token accounted), client
/// aborts at random points and upstream faults on the fault model, bad inputs, and one key kept over its limit.
/// </summary>
internal sealed class Traffic
{
    private const string Chat = "/v1/chat/completions";
    private const string Tools = """[{"type":"function","function":{"name":"get_weather","description":"Weather in a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}}]""";

    private readonly HttpClient _client;
    private readonly Tally _tally;
    private readonly IReadOnlyList<Scenario> _scenarios;
    private readonly int _totalWeight;

    public Traffic(HttpClient client, Tally tally)
    {
        _client = client;
        _tally = tally;
        _scenarios =
        [
            new Scenario("plain chat", 25, PlainChatAsync),
            new Scenario("streamed chat", 25, StreamedChatAsync),
            new Scenario("tool call", 10, ToolCallAsync),
            new Scenario("client abort", 12, ClientAbortAsync),
            new Scenario("upstream fault", 12, UpstreamFaultAsync),
            new Scenario("bad input", 16, BadInputAsync),
        ];
        _totalWeight = _scenarios.Sum(s => s.Weight);
    }

    /// <summary>Runs scenarios until <paramref name="stop"/>; a request in progress is finished, never cancelled.</summary>
    public async Task RunWorkerAsync(int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        while (!stop.IsCancellationRequested)
        {
            var pick = random.Next(_totalWeight);
            var scenario = _scenarios.First(s => (pick -= s.Weight) < 0);
            _tally.Record(scenario.Name, await GuardAsync(scenario.RunAsync, random));
        }
    }

    /// <summary>One key sends small requests back to back, far over its per-minute limit: 200 or 429, nothing else.</summary>
    public async Task RunOverLimitWorkerAsync(CancellationToken stop)
    {
        var random = new Random(1);
        while (!stop.IsCancellationRequested)
        {
            _tally.Record("over-limit key", await GuardAsync(OverLimitAsync, random));
            await Task.Delay(20, CancellationToken.None); // ~50 requests/s: far over 600/min, without drowning the rest
        }
    }

    private static async Task<Verdict> GuardAsync(Func<Random, Task<Verdict>> run, Random random)
    {
        try
        {
            return await run(random);
        }
        catch (Exception e)
        {
            return Verdict.Bad("exception", $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static string Key(Random random) => SoakEnvironment.NormalKey(random.Next(SoakEnvironment.NormalKeys));

    private static string Body(string model, string extra, string content = "hello soak") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{content}}"}]{{extra}}}""";

    private static HttpRequestMessage Post(string body, string? key, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Chat, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private async Task<Verdict> PlainChatAsync(Random random)
    {
        var body = Body(SoakEnvironment.CleanModel, $$""","max_tokens":{{random.Next(1, 49)}},"vllm_sim":{"ttft_ms":{{random.Next(0, 20)}}}""");
        using var response = await _client.SendAsync(Post(body, Key(random)));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Verdict.Bad($"{(int)response.StatusCode} {Responses.ErrorCode(text)}", text);
        }

        using var doc = JsonDocument.Parse(text);
        return Responses.ReadUsage(doc.RootElement) is { } usage ? Verdict.Ok("200", usage) : Verdict.Bad("200 without usage", text);
    }

    private async Task<Verdict> StreamedChatAsync(Random random)
    {
        var body = Body(SoakEnvironment.CleanModel, $$""","stream":true,"stream_options":{"include_usage":true},"max_tokens":{{random.Next(1, 49)}},"vllm_sim":{"itl_ms":{{random.Next(0, 4)}}}""");
        return await ReadCleanStreamAsync(body, Key(random), expectToolCall: false);
    }

    private async Task<Verdict> ToolCallAsync(Random random)
    {
        var stream = random.Next(2) == 0;
        var extra = $$""","tools":{{Tools}},"max_tokens":64{{(stream ? ""","stream":true,"stream_options":{"include_usage":true}""" : "")}}""";
        var body = Body(SoakEnvironment.CleanModel, extra, "What is the weather in Paris? call get_weather");
        if (stream)
        {
            return await ReadCleanStreamAsync(body, Key(random), expectToolCall: true);
        }

        using var response = await _client.SendAsync(Post(body, Key(random)));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Verdict.Bad($"{(int)response.StatusCode} {Responses.ErrorCode(text)}", text);
        }

        using var doc = JsonDocument.Parse(text);
        if (!Responses.HasToolCalls(doc.RootElement))
        {
            return Verdict.Bad("200 without tool_calls", text);
        }

        return Responses.ReadUsage(doc.RootElement) is { } usage ? Verdict.Ok("200 tool_calls", usage) : Verdict.Bad("200 without usage", text);
    }

    private async Task<Verdict> ReadCleanStreamAsync(string body, string key, bool expectToolCall)
    {
        using var response = await _client.SendAsync(Post(body, key), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Verdict.Bad($"{(int)response.StatusCode} {Responses.ErrorCode(text)}", text);
        }

        var sse = StreamBody.Parse(text);
        if (sse.DoneCount != 1 || !sse.DoneIsLast || sse.ErrorEvents != 0)
        {
            return Verdict.Bad($"200 stream done={sse.DoneCount} errors={sse.ErrorEvents}", text);
        }

        if (expectToolCall && !sse.SawToolCall)
        {
            return Verdict.Bad("200 stream without tool_calls", text);
        }

        return sse.Usage is { } usage ? Verdict.Ok(expectToolCall ? "200 stream tool_calls" : "200 stream", usage) : Verdict.Bad("200 stream without usage", text);
    }

    private async Task<Verdict> OverLimitAsync(Random random)
    {
        var body = Body(SoakEnvironment.CleanModel, ""","max_tokens":1""");
        using var response = await _client.SendAsync(Post(body, SoakEnvironment.LimitedKey));
        var text = await response.Content.ReadAsStringAsync();
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                using (var doc = JsonDocument.Parse(text))
                {
                    return Responses.ReadUsage(doc.RootElement) is { } usage ? Verdict.Ok("200", usage) : Verdict.Bad("200 without usage", text);
                }

            case HttpStatusCode.TooManyRequests when Responses.ErrorCode(text) == "rate_limit_exceeded" && response.Headers.RetryAfter is not null:
                return Verdict.Ok("429 rate_limit_exceeded");
            default:
                return Verdict.Bad($"{(int)response.StatusCode} {Responses.ErrorCode(text)}", text);
        }
    }

    /// <summary>The client leaves: before the headers (queued or waiting), or after a random number of stream bytes.</summary>
    private async Task<Verdict> ClientAbortAsync(Random random)
    {
        var beforeHeaders = random.Next(3) == 0;
        var body = beforeHeaders
            ? Body(SoakEnvironment.FaultModel, $$""","max_tokens":8,"vllm_sim":{"hang_ms":{{random.Next(200, 2000)}}}""")
            : Body(SoakEnvironment.FaultModel, $$""","stream":true,"max_tokens":400,"vllm_sim":{"itl_ms":{{random.Next(2, 15)}}}""");
        using var cts = new CancellationTokenSource();
        if (beforeHeaders)
        {
            cts.CancelAfter(random.Next(0, 300));
        }

        try
        {
            using var response = await _client.SendAsync(Post(body, Key(random)), HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var code = Responses.ErrorCode(text);
                return code is "upstream_unavailable" ? Verdict.Ok($"{(int)response.StatusCode} {code} (breaker open)") : Verdict.Bad($"{(int)response.StatusCode} {code}", text);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var toRead = random.Next(1, 4000);
            var buffer = new byte[512];
            for (var read = 0; read < toRead;)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    return Verdict.Ok("completed before abort");
                }

                read += n;
            }

            return Verdict.Ok("aborted mid-stream");
        }
        catch (OperationCanceledException)
        {
            return Verdict.Ok("aborted before headers");
        }
    }

    /// <summary>Hangs and stalls, one at a time: each ends only by the gateway's total timeout.</summary>
    public async Task RunTimeoutWorkerAsync(CancellationToken stop)
    {
        var random = new Random(2);
        while (!stop.IsCancellationRequested)
        {
            _tally.Record("upstream fault", await GuardAsync(r => FaultAsync(UpstreamFaults.Slow[r.Next(UpstreamFaults.Slow.Count)], r), random));
        }
    }

    private Task<Verdict> UpstreamFaultAsync(Random random) => FaultAsync(UpstreamFaults.Quick[random.Next(UpstreamFaults.Quick.Count)], random);

    private async Task<Verdict> FaultAsync(UpstreamFault fault, Random random)
    {
        var body = Body(SoakEnvironment.FaultModel, $$"""{{(fault.Stream ? ""","stream":true""" : "")}},"max_tokens":12,"vllm_sim":{{fault.Sim}}""");
        using var response = await _client.SendAsync(Post(body, Key(random)), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        string answer;
        if (response.StatusCode == HttpStatusCode.OK && fault.Stream && response.Content.Headers.ContentType?.MediaType == "text/event-stream")
        {
            var sse = StreamBody.Parse(text);
            if (sse.DoneCount != 1 || !sse.DoneIsLast)
            {
                return Verdict.Bad($"{fault.Name}: 200 stream done={sse.DoneCount}", text);
            }

            answer = $"200 stream, {sse.ErrorEvents} error event(s), one [DONE]";
        }
        else
        {
            answer = $"{(int)response.StatusCode} {Responses.ErrorCode(text)}".TrimEnd();
        }

        var label = $"{fault.Name} → {answer}";
        // Any fault may meet a replica whose breaker the earlier faults opened: 503 upstream_unavailable.
        var expected = fault.Expected.Contains(answer) || answer == "503 upstream_unavailable";
        return expected ? Verdict.Ok(label) : Verdict.Bad(label, text.Length > 300 ? text[..300] : text);
    }

    private async Task<Verdict> BadInputAsync(Random random)
    {
        var input = BadInputs.All[random.Next(BadInputs.All.Count)];
        using var request = Post(input.Body, input.Unauthenticated ? null : input.Key ?? Key(random), input.ContentType);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var answer = $"{(int)response.StatusCode} {Responses.ErrorCode(text)}";
        var label = $"{input.Name} → {answer}";
        return (int)response.StatusCode == input.Status && Responses.ErrorCode(text) == input.Code ? Verdict.Ok(label) : Verdict.Bad(label, text);
    }
}
