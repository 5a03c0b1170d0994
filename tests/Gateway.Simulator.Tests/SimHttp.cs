using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

/// <summary>HTTP helpers: JSON posts and a strict SSE reader.</summary>
internal static class SimHttp
{
    public static HttpClient CreateClient(SimulatorServer server) =>
        new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = server.BaseUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };

    public static StringContent Json(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static string Body(object value) => JsonSerializer.Serialize(value);

    public static async Task<(HttpResponseMessage Response, JsonElement Body)> PostJsonAsync(HttpClient client, string path, string json)
    {
        var response = await client.PostAsync(path, Json(json));
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response, document.RootElement.Clone());
    }

    /// <summary>Posts a streaming request and reads the whole body (or up to the point where the connection broke).</summary>
    public static async Task<SseResult> PostStreamAsync(HttpClient client, string path, string json, int timeoutMs = 5000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var bytes = new MemoryStream();
        Exception? readError = null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            await stream.CopyToAsync(bytes, cts.Token);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            readError = e;
        }

        return new SseResult(response, bytes.ToArray(), readError);
    }
}
