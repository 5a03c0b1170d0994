using System.Net;

namespace Gateway.Bench;

/// <summary>An upstream that answers at once from memory, so only the gateway's own work is measured.</summary>
internal sealed class InMemoryUpstream : HttpMessageHandler
{
    private static readonly byte[] Body = """{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"""u8.ToArray();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body) };
        response.Content.Headers.ContentType = new("application/json");
        return Task.FromResult(response);
    }
}
