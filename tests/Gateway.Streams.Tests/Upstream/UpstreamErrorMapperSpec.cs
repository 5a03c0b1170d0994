using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using Gateway.Streams.Upstream;

namespace Gateway.Streams.Tests.Upstream;

public sealed class UpstreamErrorMapperSpec
{
    [Theory]
    [InlineData(500, """{"error":{"message":"CUDA out of memory","type":"InternalServerError","param":null,"code":500}}""", "vLLM upstream returned 500: CUDA out of memory")]
    [InlineData(500, """{"object":"error","message":"engine dead","type":"InternalServerError","code":500}""", "vLLM upstream returned 500: engine dead")]
    [InlineData(502, "Bad Gateway", "vLLM upstream returned 502: Bad Gateway")]
    [InlineData(500, "", "vLLM upstream returned 500 with an empty body.")]
    [InlineData(503, """{"error":"overloaded"}""", "vLLM upstream returned 503: overloaded")]
    [InlineData(404, """{"detail":"Not Found"}""", "vLLM upstream returned 404: Not Found")]
    [InlineData(400, """{"error":{"message":"This model's maximum context length is 8192 tokens.","param":"messages"}}""", "This model's maximum context length is 8192 tokens.")]
    [InlineData(404, "", "vLLM upstream returned 404 with an empty body.")]
    [InlineData(405, "Method Not Allowed", "vLLM upstream returned 405: Method Not Allowed")]
    [InlineData(400, """{"unexpected":true}""", "vLLM upstream returned 400: {\"unexpected\":true}")]
    public void A_non_2xx_answer_passes_vllms_own_message_on(int status, string body, string message)
    {
        var error = UpstreamErrorMapper.FromStatus(status, Encoding.UTF8.GetBytes(body), null);

        Assert.Equal(message, error.Message);
        Assert.DoesNotContain("Upstream returned an error", error.Message, StringComparison.Ordinal);
        Assert.Equal(status >= 500 ? "upstream_unavailable" : "upstream_client_error", error.Code);
    }

    [Fact]
    public void A_long_text_body_is_cut_to_one_short_line()
    {
        var error = UpstreamErrorMapper.FromStatus(500, Encoding.UTF8.GetBytes("<html>\n" + new string('x', 5000)), null);

        Assert.StartsWith("vLLM upstream returned 500: <html> xxx", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 260, error.Message);
    }

    [Fact]
    public void A_refused_connection_is_not_reachable()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        var error = UpstreamErrorMapper.FromDispatchFailure(refused, clientAborted: false, TimeSpan.FromSeconds(1));

        Assert.Equal("vLLM upstream not reachable: ConnectionError (ConnectionRefused)", error.Message);
    }

    [Theory]
    [InlineData(HttpRequestError.ResponseEnded)]
    [InlineData(HttpRequestError.Unknown)]
    [InlineData(HttpRequestError.ConnectionError)]
    public void A_connection_dropped_after_connecting_is_not_called_unreachable(HttpRequestError kind)
    {
        var reset = new HttpRequestException(kind, "reset", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

        var error = UpstreamErrorMapper.FromDispatchFailure(reset, clientAborted: false, TimeSpan.FromSeconds(1));

        Assert.StartsWith("vLLM upstream closed the connection before sending the response headers", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionReset", error.Message, StringComparison.Ordinal);
    }
}
