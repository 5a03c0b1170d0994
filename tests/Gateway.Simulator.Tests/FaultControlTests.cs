using System.Net;
using System.Text;

namespace Gateway.Simulator.Tests;

/// <summary>The upstream-fault knobs of vllm_sim and the /sim/stats outcome each one counts as.</summary>
public sealed class FaultControlTests
{
    private const string Chat = "/v1/chat/completions";

    [Fact]
    public async Task Fail_body_text_answers_a_non_json_reason_phrase()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        using var response = await client.PostAsync(Chat, SimHttp.Json(Sim("""{"fail_status":502,"fail_body":"text"}""")));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bad Gateway", await response.Content.ReadAsStringAsync());
        await WaitAsync(() => server.Stats.Failed == 1);
    }

    [Fact]
    public async Task Fail_body_empty_answers_no_body()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        using var response = await client.PostAsync(Chat, SimHttp.Json(Sim("""{"fail_status":503,"fail_body":"empty"}""")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Reset_before_headers_drops_the_connection_and_counts_as_failed()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(Chat, SimHttp.Json(Sim("""{"reset_before_headers":true}""", stream: true))));

        await WaitAsync(() => server.Stats.InFlight == 0);
        Assert.Equal((1L, 0L, 0L), (server.Stats.Failed, server.Stats.Completed, server.Stats.AbortedByClient));
    }

    [Fact]
    public async Task Stall_after_chunks_keeps_the_connection_silent_until_the_client_leaves()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(HttpMethod.Post, Chat) { Content = SimHttp.Json(Sim("""{"output":"abcdef","chunk_chars":1,"stall_after_chunks":2}""", stream: true)) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);

        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (CountEvents(seen.ToString()) < 2)
        {
            var read = await stream.ReadAsync(buffer, cts.Token);
            Assert.NotEqual(0, read);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.Equal(2, CountEvents(seen.ToString()));
        Assert.Equal((1L, 0L), (server.Stats.InFlight, server.Stats.Completed));

        await stream.DisposeAsync();
        response.Dispose();
        await WaitAsync(() => server.Stats.AbortedByClient == 1);
        Assert.Equal(0, server.Stats.InFlight);
    }

    [Fact]
    public async Task Stall_after_chunks_on_a_plain_request_never_answers()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);
        using var cts = new CancellationTokenSource();

        var pending = client.PostAsync(Chat, SimHttp.Json(Sim("""{"stall_after_chunks":0}""")), cts.Token);
        await WaitAsync(() => server.Stats.InFlight == 1);
        Assert.False(pending.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        await WaitAsync(() => server.Stats.AbortedByClient == 1);
    }

    [Fact]
    public async Task Malformed_not_json_sends_a_data_line_that_is_not_json()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, Chat, Sim("""{"output":"ab","chunk_chars":1,"malformed_sse":"not_json"}""", stream: true));

        Assert.Equal("this is not JSON", sse.Events[1]);
        Assert.Equal("[DONE]", sse.Events[^1]);
        await WaitAsync(() => server.Stats.Completed == 1);
    }

    [Fact]
    public async Task Malformed_missing_blank_line_merges_the_first_content_event_into_the_next()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, Chat, Sim("""{"output":"ab","chunk_chars":1,"malformed_sse":"missing_blank_line"}""", stream: true));

        var events = sse.Raw.Split("\n\n");
        Assert.Contains(events, e => e.Split('\n').Length == 2 && e.Contains("\"content\":\"a\"", StringComparison.Ordinal));
        Assert.EndsWith("data: [DONE]\n\n", sse.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_oversized_event_sends_one_event_of_at_least_that_size()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, Chat, Sim("""{"output":"ab","malformed_sse":"oversized_event","oversized_bytes":100000}""", stream: true));

        Assert.Single(sse.Events, e => e.Length >= 100_000);
        Assert.Equal("[DONE]", sse.Events[^1]);
    }

    [Fact]
    public async Task Omit_done_ends_the_stream_cleanly_without_the_terminator()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, Chat, Sim("""{"output":"ab","omit_done":true}""", stream: true));

        Assert.Null(sse.ReadError);
        Assert.DoesNotContain("[DONE]", sse.Raw, StringComparison.Ordinal);
        Assert.Equal("ab", sse.Content);
        await WaitAsync(() => server.Stats.Completed == 1);
    }

    [Fact]
    public async Task Content_type_overrides_the_response_header()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var sse = await SimHttp.PostStreamAsync(client, Chat, Sim("""{"output":"ab","content_type":"text/html"}""", stream: true));
        using var plain = await client.PostAsync(Chat, SimHttp.Json(Sim("""{"content_type":"application/x-ndjson"}""")));

        Assert.Equal("text/html", sse.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/x-ndjson", plain.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Redirect_to_answers_307_with_the_location_and_no_body()
    {
        await using var server = await StartAsync();
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseUrl };

        using var response = await client.PostAsync(Chat, SimHttp.Json(Sim("""{"redirect_to":"http://127.0.0.1:1/v1/chat/completions"}""")));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("http://127.0.0.1:1/v1/chat/completions", response.Headers.Location?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await WaitAsync(() => server.Stats.Failed == 1);
    }

    [Fact]
    public async Task An_unknown_malformed_kind_is_a_validation_error()
    {
        await using var server = await StartAsync();
        using var client = SimHttp.CreateClient(server);

        var (response, body) = await SimHttp.PostJsonAsync(client, Chat, Sim("""{"malformed_sse":"garbage"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'not_json', 'missing_blank_line' or 'oversized_event'", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static string Sim(string control, bool stream = false) =>
        "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":" + (stream ? "true" : "false") + ",\"vllm_sim\":" + control + "}";

    private static int CountEvents(string raw) => raw.Split("\n\n").Length - 1;

    private static Task<SimulatorServer> StartAsync() => SimulatorServer.StartAsync(new SimulatorOptions { Port = 0 });

    private static Task WaitAsync(Func<bool> condition) => Poll.UntilAsync(() => Task.FromResult(condition()));
}
