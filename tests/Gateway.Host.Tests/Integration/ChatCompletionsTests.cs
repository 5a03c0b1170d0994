using System.Net;
using System.Text.Json;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

public sealed class ChatCompletionsTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync();
        await _gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_plain_chat_completion_comes_back_as_vllm_sent_it()
    {
        using var request = _gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":5,"top_k":3}""");
        request.Headers.Add("X-Request-ID", "req-123.abc");

        using var response = await _gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-123.abc", response.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal("req-123.abc", response.Headers.GetValues("X-Correlation-ID").Single());
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("assistant", root.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_malformed_request_id_is_replaced_by_a_generated_one()
    {
        using var request = _gateway.Post("/v1/chat/completions", """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""");
        request.Headers.TryAddWithoutValidation("X-Request-ID", "bad id with spaces");

        using var response = await _gateway.Client.SendAsync(request);

        var id = response.Headers.GetValues("X-Request-ID").Single();
        Assert.NotEqual("bad id with spaces", id);
        Assert.Matches("^[0-9a-f]{32}$", id);
    }

    [Fact]
    public async Task A_stream_relays_every_event_with_sse_headers_and_exactly_one_done()
    {
        const string output = "Grüße aus Köln 🎉 — 世界, hello!";
        var json = JsonSerializer.Serialize(new
        {
            model = "test-model",
            stream = true,
            stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = "hi" } },
            vllm_sim = new { output, chunk_chars = 3 },
        });
        using var request = _gateway.Post("/v1/chat/completions", json);

        using var response = await _gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.False(response.Content.Headers.Contains("Content-Encoding"));
        var body = await response.Content.ReadAsStringAsync();
        var events = SseReader.Events(body);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(1, events.Count(e => e == "[DONE]"));
        Assert.Equal(output, SseReader.Content(events));
        Assert.Contains(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_without_include_usage_gets_no_usage_chunk_as_from_vllm()
    {
        using var response = await _gateway.Client.SendAsync(
            _gateway.Post("/v1/chat/completions", """{"model":"test-model","stream":true,"max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);

        var events = SseReader.Events(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Streamed_events_reach_the_client_before_the_generation_ends()
    {
        var json = JsonSerializer.Serialize(new
        {
            model = "test-model",
            stream = true,
            messages = new[] { new { role = "user", content = "hi" } },
            vllm_sim = new { output = "one two three four", chunk_chars = 4, itl_ms = 400 },
        });
        using var request = _gateway.Post("/v1/chat/completions", json);
        using var response = await _gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[4096];

        var read = await stream.ReadAsync(buffer);

        // The first event arrives long before the ~2 s the whole generation takes: nothing buffers it.
        Assert.True(read > 0);
        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(1500), $"first bytes took {started.Elapsed}");
    }

    [Fact]
    public async Task Completions_and_embeddings_are_relayed_too()
    {
        using var completion = await _gateway.Client.SendAsync(_gateway.Post("/v1/completions", """{"model":"test-model","prompt":"Say hi","max_tokens":3}"""));
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        Assert.Contains("\"text_completion\"", await completion.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var embeddings = await _gateway.Client.SendAsync(_gateway.Post("/v1/embeddings", """{"model":"test-model","input":["a","b"]}"""));
        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
        using var doc = JsonDocument.Parse(await embeddings.Content.ReadAsStringAsync());
        Assert.Equal(2, doc.RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task The_model_list_names_the_configured_models()
    {
        using var doc = JsonDocument.Parse(await _gateway.Client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));
        var model = doc.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal("test-model", model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());

        using var one = await _gateway.Client.GetAsync(new Uri("/v1/models/test-model", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var missing = await _gateway.Client.GetAsync(new Uri("/v1/models/nope", UriKind.Relative));
        await ErrorAssert.IsOpenAiErrorAsync(missing, HttpStatusCode.NotFound, "model_not_found");
    }

    [Fact]
    public async Task An_unknown_model_is_404_model_not_found()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", """{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"""));
        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("{not json", "invalid_json", null)]
    [InlineData("[1,2]", "invalid_json", null)]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "missing_required_parameter", "model")]
    [InlineData("""{"model":7,"messages":[]}""", "invalid_type", "model")]
    [InlineData("""{"model":"test-model","messages":[]}""", "invalid_type", "messages")]
    [InlineData("""{"model":"test-model","messages":"hi"}""", "invalid_type", "messages")]
    [InlineData("""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "invalid_type", "stream")]
    public async Task Bad_bodies_get_400_with_the_offending_param(string body, string code, string? param)
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", body));
        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Upstream_client_errors_keep_their_status_in_the_openai_shape()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_status":400}}"""));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadRequest, "upstream_client_error");
    }

    [Fact]
    public async Task Upstream_server_errors_become_502_upstream_unavailable()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_status":500,"fail_message":"CUDA out of memory"}}"""));
        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
        Assert.Equal("vLLM upstream returned 500: CUDA out of memory", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("text", 502, "vLLM upstream returned 502: Bad Gateway")]
    [InlineData("empty", 500, "vLLM upstream returned 500 with an empty body.")]
    [InlineData("empty", 404, "vLLM upstream returned 404 with an empty body.")]
    public async Task Upstream_errors_without_a_json_message_still_say_what_vllm_sent(string failBody, int status, string message)
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            $$$"""{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"fail_status":{{{status}}},"fail_body":"{{{failBody}}}"}}"""));
        var body = await response.Content.ReadAsStringAsync();
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(message, doc.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_connection_reset_before_the_headers_is_not_called_unreachable()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post(
            "/v1/chat/completions",
            """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"vllm_sim":{"reset_before_headers":true}}"""));
        var error = await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.BadGateway, "upstream_unavailable");
        var message = error.GetProperty("message").GetString()!;
        Assert.DoesNotContain("not reachable", message, StringComparison.Ordinal);
        Assert.StartsWith("vLLM upstream closed the connection before sending the response headers", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_after_the_first_byte_is_reported_in_band_and_the_stream_still_ends_with_done()
    {
        using var response = await _gateway.Client.SendAsync(
            _gateway.Post("/v1/chat/completions", """{"model":"test-model","stream":true,"messages":[{"role":"user","content":"hi"}],"vllm_sim":{"output":"a b c d e f","chunk_chars":1,"fail_after_chunks":3}}"""),
            HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = SseReader.Events(await response.Content.ReadAsStringAsync());
        Assert.Equal("[DONE]", events[^1]);
        Assert.StartsWith("{\"error\":", events[^2], StringComparison.Ordinal);
        Assert.Equal(1, events.Count(e => e == "[DONE]"));
    }

    [Fact]
    public async Task Unknown_routes_get_an_openai_style_404()
    {
        using var response = await _gateway.Client.GetAsync(new Uri("/v1/nothing-here", UriKind.Relative));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_wrong_method_gets_an_openai_style_405()
    {
        using var response = await _gateway.Client.GetAsync(new Uri("/v1/chat/completions", UriKind.Relative));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task Health_is_200_while_the_process_lives()
    {
        using var response = await _gateway.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
