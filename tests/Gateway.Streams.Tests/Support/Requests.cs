using System.Text;
using System.Text.Json;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Tests.Support;

public static class Requests
{
    public static ProxyRequest Chat(string model = "m", string key = "k", bool stream = false, string? extra = null, int promptEstimate = 0, double priority = 1, CancellationToken aborted = default)
    {
        var json = $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"stream":{{(stream ? "true" : "false")}}{{(extra is null ? "" : "," + extra)}}}""";
        var body = Encoding.UTF8.GetBytes(json);
        return new ProxyRequest
        {
            ModelId = model,
            Path = "/v1/chat/completions",
            Body = body,
            Json = JsonDocument.Parse(body).RootElement,
            Stream = stream,
            RateLimitKey = key,
            RequestId = Guid.NewGuid().ToString("N"),
            ClientAborted = aborted,
            PromptTokenEstimate = promptEstimate,
            Priority = priority,
        };
    }
}
