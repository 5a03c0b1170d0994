using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class ChatCompletionsStreamingTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Stream_is_vllm_framed_with_role_chunk_first_and_one_done_last()
    {
        const string output = "The quick brown fox jumps.";
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/chat/completions", SimHttp.Body(new
        {
            model = "sim-model",
            messages = new[] { new { role = "user", content = "go" } },
            stream = true,
            vllm_sim = new { output },
        }));

        Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
        Assert.Equal("text/event-stream; charset=utf-8", sse.Response.Content.Headers.ContentType!.ToString());
        Assert.Null(sse.ReadError);
        Assert.EndsWith("\n\n", sse.Raw, StringComparison.Ordinal);
        var events = sse.Events;
        Assert.Equal("[DONE]", events[^1]);
        Assert.Single(events, e => e == "[DONE]");

        var chunks = sse.Chunks;
        var first = chunks[0];
        Assert.Equal("""{"role":"assistant","content":""}""", first.GetProperty("choices")[0].GetProperty("delta").GetRawText());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind);
        var id = first.GetProperty("id").GetString();
        Assert.StartsWith("chatcmpl-", id, StringComparison.Ordinal);
        Assert.All(chunks, c =>
        {
            Assert.Equal(id, c.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal("sim-model", c.GetProperty("model").GetString());
            Assert.Equal(first.GetProperty("created").GetInt64(), c.GetProperty("created").GetInt64());
            Assert.False(c.TryGetProperty("usage", out _));
        });
        Assert.Equal(output, sse.Content);

        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("stop", last.GetProperty("finish_reason").GetString());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("stop_reason").ValueKind);
        Assert.All(chunks.Take(chunks.Count - 1), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task Include_usage_adds_a_final_chunk_with_empty_choices()
    {
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"go"}],"stream":true,"max_tokens":4,"stream_options":{"include_usage":true}}
            """);

        var chunks = sse.Chunks;
        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "total_tokens", "completion_tokens"], usage.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, sse.Content.Split(' ').Length);
        Assert.Equal("[DONE]", sse.Events[^1]);
    }

    [Fact]
    public async Task Continuous_usage_stats_put_running_usage_in_every_chunk()
    {
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"go"}],"stream":true,"max_tokens":3,
             "stream_options":{"include_usage":true,"continuous_usage_stats":true}}
            """);

        var completions = sse.Chunks.Select(c => c.GetProperty("usage").GetProperty("completion_tokens").GetInt32()).ToList();
        Assert.Equal([0, 1, 2, 3, 3], completions);
    }

    [Fact]
    public async Task Chunk_chars_sets_delta_size()
    {
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/chat/completions", """
            {"messages":[{"role":"user","content":"go"}],"stream":true,"vllm_sim":{"output":"abcdefghij","chunk_chars":3}}
            """);

        var deltas = sse.Chunks.Skip(1)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString())
            .ToList();
        Assert.Equal(["abc", "def", "ghi", "j", ""], deltas);
    }

    [Fact]
    public async Task Unicode_deltas_never_split_a_surrogate_pair_and_stay_raw_utf8()
    {
        const string output = "héllo 世界 🎉";
        var sse = await SimHttp.PostStreamAsync(_client, "/v1/chat/completions", SimHttp.Body(new
        {
            messages = new[] { new { role = "user", content = "go" } },
            stream = true,
            vllm_sim = new { output, chunk_chars = 1 },
        }));

        Assert.Equal(output, sse.Content);
        Assert.Contains(sse.Chunks, c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString() == "🎉");
        Assert.DoesNotContain("\\u", sse.Raw, StringComparison.Ordinal);
        Assert.Contains("🎉", sse.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ttft_delays_the_first_event_but_not_the_headers()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = SimHttp.Json("""{"messages":[{"role":"user","content":"go"}],"stream":true,"max_tokens":2,"vllm_sim":{"ttft_ms":400}}"""),
        };
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var headersAfter = started.ElapsedMilliseconds;
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[1];
        await stream.ReadExactlyAsync(buffer, cts.Token);
        var firstByteAfter = started.ElapsedMilliseconds;

        Assert.True(headersAfter < 300, $"headers took {headersAfter} ms");
        Assert.True(firstByteAfter >= 350, $"first byte after {firstByteAfter} ms");
    }
}
