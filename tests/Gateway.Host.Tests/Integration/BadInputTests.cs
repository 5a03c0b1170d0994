using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

/// <summary>One gateway and simulator for all rows: each bad request must get its 4xx and the simulator must see nothing.</summary>
public sealed class BadInputGateway : IAsyncLifetime
{
    internal RunningGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await RunningGateway.StartAsync();
        await Gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

public sealed class BadInputTests(BadInputGateway fixture) : IClassFixture<BadInputGateway>
{
    private const string Chat = "/v1/chat/completions";
    private const string Json = "application/json";
    private const string Msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    /// <summary>
    /// Path, Content-Type (null: none), Content-Encoding, body (<c>$S</c> becomes <c>"stream":true,</c> or
    /// <c>"stream":false,</c>), expected status and code. Every row runs plain and streaming.
    /// </summary>
    public static TheoryData<string, string?, string?, string, int, string> Rows => new()
    {
        { Chat, "application/x-www-form-urlencoded", null, "{$S\"model\":\"test-model\"," + Msgs + "}", 415, "unsupported_media_type" },
        { Chat, "text/plain; charset=utf-8", null, "{$S\"model\":\"test-model\"," + Msgs + "}", 415, "unsupported_media_type" },
        { Chat, "application/json; charset=iso-8859-1", null, "{$S\"model\":\"test-model\"," + Msgs + "}", 415, "unsupported_media_type" },
        { "/v1/audio/transcriptions", "multipart/form-data; boundary=b", null, "--b--", 415, "unsupported_media_type" },
        { Chat, Json, "gzip", "{$S\"model\":\"test-model\"," + Msgs + "}", 415, "unsupported_content_encoding" },
        { Chat, Json, null, "{$S\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00FF\"}]}", 400, "invalid_utf8" },
        { Chat, Json, null, "{$S\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud83d\"}]}", 400, "invalid_unicode_escape" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs, 400, "invalid_json" },
        { Chat, Json, null, "[{$S\"model\":\"test-model\"}]", 400, "invalid_json" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"x\":" + new string('[', 70) + new string(']', 70) + "}", 400, "json_too_deep" },
        { Chat, Json, null, "{$S" + Msgs + "}", 400, "missing_required_parameter" },
        { Chat, Json, null, "{$S\"model\":\"test-model\",\"messages\":[]}", 400, "invalid_type" },
        { Chat, Json, null, "{$S\"model\":\"test-model\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", 400, "invalid_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"temperature\":\"hot\"}", 400, "invalid_type" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"temperature\":1e400}", 400, "decimal_above_max_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"top_p\":0}", 400, "decimal_below_min_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"n\":100000}", 400, "integer_above_max_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"max_tokens\":0}", 400, "integer_below_min_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"max_tokens\":8193}", 400, "integer_above_max_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"stop\":[1]}", 400, "invalid_type" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"top_logprobs\":3}", 400, "invalid_value" },
        { Chat, Json, null, "{$S\"model\":\"test-model\"," + Msgs + ",\"response_format\":{\"type\":\"json_schema\"}}", 400, "missing_required_parameter" },
        { "/v1/completions", Json, null, "{$S\"model\":\"test-model\",\"prompt\":\"hi\",\"logprobs\":true}", 400, "invalid_type" },
        { "/v1/completions", Json, null, "{$S\"model\":\"test-model\"}", 400, "missing_required_parameter" },
        { "/v1/embeddings", Json, null, "{$S\"model\":\"test-model\",\"input\":{}}", 400, "invalid_type" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Bad_input_gets_its_4xx_and_never_reaches_vllm(string path, string? contentType, string? encoding, string body, int status, string code)
    {
        foreach (var stream in new[] { false, true })
        {
            var before = fixture.Gateway.Simulator!.Stats.RequestsTotal;
            using var request = Request(path, contentType, encoding, Bytes(body.Replace("$S", stream ? "\"stream\":true," : "\"stream\":false,", StringComparison.Ordinal)));

            using var response = await fixture.Gateway.Client.SendAsync(request);

            await ErrorAssert.IsOpenAiErrorAsync(response, (HttpStatusCode)status, code);
            Assert.Equal(before, fixture.Gateway.Simulator.Stats.RequestsTotal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Good_input_with_or_without_a_content_type_reaches_vllm(string? contentType)
    {
        foreach (var stream in new[] { false, true })
        {
            var before = fixture.Gateway.Simulator!.Stats.RequestsTotal;
            var body = "{\"model\":\"test-model\"," + Msgs + ",\"max_tokens\":2,\"temperature\":2,\"top_k\":3,\"stream\":" + (stream ? "true" : "false") + "}";
            using var request = Request(Chat, contentType, null, Encoding.UTF8.GetBytes(body));

            using var response = await fixture.Gateway.Client.SendAsync(request);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(before + 1, fixture.Gateway.Simulator.Stats.RequestsTotal);
        }
    }

    private static HttpRequestMessage Request(string path, string? contentType, string? encoding, byte[] body)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        return new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
    }

    /// <summary>UTF-8, except that U+00FF stands for the raw byte 0xFF (invalid in UTF-8 anywhere).</summary>
    private static byte[] Bytes(string text) =>
        [.. text.Split('\u00FF').SelectMany((part, i) => i == 0 ? Encoding.UTF8.GetBytes(part) : [0xFF, .. Encoding.UTF8.GetBytes(part)])];
}

public sealed class BodyCapBoundaryTests
{
    private const int Cap = 4096;

    [Theory]
    [InlineData(false, 0, HttpStatusCode.OK)]
    [InlineData(false, 1, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(true, 0, HttpStatusCode.OK)]
    [InlineData(true, 1, HttpStatusCode.RequestEntityTooLarge)]
    public async Task A_body_of_exactly_the_cap_passes_and_one_byte_more_is_413(bool chunked, int over, HttpStatusCode expected)
    {
        await using var gateway = await RunningGateway.StartAsync(s => s.Server.MaxRequestBodyBytes = Cap);
        await gateway.WaitUntilReadyAsync();
        var body = Padded(Cap + over);
        Assert.Equal(Cap + over, body.Length);
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(chunked ? null : Cap + over, request.Content.Headers.ContentLength);
        if (expected == HttpStatusCode.OK)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            Assert.Equal(1, gateway.Simulator!.Stats.RequestsTotal);
        }
        else
        {
            await ErrorAssert.IsOpenAiErrorAsync(response, expected, "payload_too_large");
            Assert.Equal(0, gateway.Simulator!.Stats.RequestsTotal);
        }
    }

    /// <summary>A valid chat request padded with an unknown field to exactly <paramref name="length"/> bytes.</summary>
    private static byte[] Padded(int length)
    {
        const string head = "{\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1,\"pad\":\"";
        const string tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('x', length - head.Length - tail.Length) + tail);
    }
}
