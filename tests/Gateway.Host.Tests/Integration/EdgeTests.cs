using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

/// <summary>The HTTP edge against hostile or clumsy clients: headers, limits, slow senders (README "Bad input").</summary>
public sealed class EdgeTests : IAsyncLifetime
{
    private const string Key = "sk-edge";
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""";
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(s =>
        {
            s.Auth.Keys.Add(new ApiKeySettings { Key = Key, Name = "edge" });
            s.Server.Limits = new ClientLimitsSettings
            {
                MaxRequestHeaderCount = 20,
                MaxRequestHeadersTotalBytes = 4096,
                MaxRequestTargetBytes = 1024,
                RequestHeadersTimeoutSeconds = 2,
                MinRequestBodyBytesPerSecond = 200,
                MinRequestBodyGraceSeconds = 2,
            };
        });
        await _gateway.WaitUntilReadyAsync();
    }

    public Task DisposeAsync() => _gateway.DisposeAsync().AsTask();

    private string Request(string method, string target, string extraHeaders = "", string body = "") =>
        $"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Key}\r\nContent-Type: application/json\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{extraHeaders}Connection: close\r\n\r\n{body}";

    private static void AssertOpenAiError(string response, int status, string code)
    {
        Assert.True(RawHttp.Status(response) == status, $"expected {status}: {response}");
        using var doc = JsonDocument.Parse(RawHttp.Body(response));
        Assert.Equal(code, doc.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("abc def")] // a space
    [InlineData("<script>alert(1)</script>")]
    [InlineData("ünïcödé")] // non-ASCII (sent as UTF-8 bytes)
    [InlineData("x-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789")] // 138 chars
    public async Task A_hostile_request_id_is_replaced_never_echoed(string hostile)
    {
        var bytes = Encoding.UTF8.GetBytes(Request("GET", "/v1/models", $"X-Request-ID: {hostile}\r\nX-Correlation-ID: {hostile}\r\n"));
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, bytes);

        Assert.DoesNotContain(hostile, response, StringComparison.Ordinal);
        if (RawHttp.Status(response) == 200)
        {
            Assert.Matches("^[0-9a-f]{32}$", RawHttp.Header(response, "X-Request-ID"));
            Assert.Equal(RawHttp.Header(response, "X-Request-ID"), RawHttp.Header(response, "X-Correlation-ID"));
        }
        else
        {
            Assert.Equal(400, RawHttp.Status(response)); // Kestrel refused the header outright: nothing echoed either
        }
    }

    [Fact]
    public async Task A_request_id_with_a_cr_or_lf_never_reaches_a_response_header()
    {
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, Request("GET", "/v1/models", "X-Request-ID: abc\rSet-Cookie: evil=1\r\n"));

        Assert.Equal(400, RawHttp.Status(response));
        Assert.DoesNotContain("evil", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_well_formed_request_id_is_echoed()
    {
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, Request("GET", "/v1/models", "X-Request-ID: req-42.A_b\r\n"));

        Assert.Equal(200, RawHttp.Status(response));
        Assert.Equal("req-42.A_b", RawHttp.Header(response, "X-Request-ID"));
    }

    [Theory]
    [InlineData("Authorization: Bearer sk-edge\r\nAuthorization: Bearer sk-edge\r\n")] // repeated, even with the right key
    [InlineData("Authorization: Bearer sk-edge sk-other\r\n")]
    [InlineData("Authorization: Bearer sk-edge, Bearer sk-other\r\n")]
    public async Task A_duplicate_or_malformed_authorization_is_401(string header)
    {
        var raw = $"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}Connection: close\r\n\r\n";
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, raw);

        AssertOpenAiError(response, 401, "invalid_bearer_token");
        Assert.Contains("Malformed Authorization header", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_headers_get_a_json_431()
    {
        var headers = string.Concat(Enumerable.Range(0, 25).Select(i => $"X-Filler-{i}: {i}\r\n"));
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, Request("POST", "/v1/chat/completions", headers, Chat));

        AssertOpenAiError(response, 431, "request_header_fields_too_large");
    }

    [Fact]
    public async Task Oversized_headers_get_a_json_431_and_beyond_the_backstop_a_clean_431()
    {
        var big = await RawHttp.SendAsync(_gateway.BaseUrl, Request("POST", "/v1/chat/completions", $"X-Big: {new string('a', 5000)}\r\n", Chat));
        AssertOpenAiError(big, 431, "request_header_fields_too_large");

        var huge = await RawHttp.SendAsync(_gateway.BaseUrl, Request("POST", "/v1/chat/completions", $"X-Huge: {new string('a', 9000)}\r\n", Chat));
        Assert.Equal(431, RawHttp.Status(huge)); // Kestrel's own refusal: the headers were never all read
    }

    [Fact]
    public async Task A_too_long_request_target_gets_a_json_414()
    {
        var response = await RawHttp.SendAsync(_gateway.BaseUrl, Request("GET", "/v1/models?q=" + new string('a', 1100)));

        AssertOpenAiError(response, 414, "uri_too_long");
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_gets_408_request_timeout()
    {
        var body = Chat.PadRight(2000);
        using var client = await RawHttp.ConnectAsync(_gateway.BaseUrl);
        var stream = client.GetStream();
        var head = Request("POST", "/v1/chat/completions", body: body);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head[..(head.Length - body.Length + 10)]));

        // Nothing more is sent: the rate falls below 200 B/s once the 2 s grace period is over.
        var response = await RawHttp.ReadResponseAsync(stream, TimeSpan.FromSeconds(15));

        AssertOpenAiError(response, 408, "request_timeout");
        Assert.DoesNotContain("MinRequestBodyDataRate", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slow_connections_trickling_headers_are_cut_off_while_a_normal_client_is_served()
    {
        var slow = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var client = await RawHttp.ConnectAsync(_gateway.BaseUrl);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
                slow.Add(client);
            }

            // A slowloris keeps adding a byte now and then; a normal client is served meanwhile.
            foreach (var client in slow)
            {
                await client.GetStream().WriteAsync("a"u8.ToArray());
            }

            using var normal = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat, Key));
            Assert.Equal(HttpStatusCode.OK, normal.StatusCode);

            // Kestrel's request-headers timeout (2 s here) ends every slow connection.
            foreach (var client in slow)
            {
                var response = await RawHttp.ReadResponseAsync(client.GetStream(), TimeSpan.FromSeconds(15));
                Assert.True(response.Length == 0 || RawHttp.Status(response) == 408, response);
            }
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_wrong_method_on_a_get_route_is_405_with_allow()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/models", "{}", Key));

        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_wrong_method_on_a_post_route_is_405_with_allow_post()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/chat/completions", UriKind.Relative));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var response = await _gateway.Client.SendAsync(request);

        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }
}
