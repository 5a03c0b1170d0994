using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

/// <summary>One simulator on a free port plus a client, shared by the tests of a class.</summary>
public sealed class SimulatorFixture : IAsyncLifetime
{
    public const string Model = "sim-model";
    public const string SecondModel = "second-model";

    public SimulatorServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = [Model, SecondModel], MaxModelLen = 4096 });
        Client = SimHttp.CreateClient(Server);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

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

/// <summary>A read SSE body: raw bytes, and the <c>data:</c> payloads if the framing is exactly vLLM's.</summary>
internal sealed class SseResult(HttpResponseMessage response, byte[] raw, Exception? readError)
{
    public HttpResponseMessage Response { get; } = response;

    public byte[] RawBytes { get; } = raw;

    public string Raw { get; } = Encoding.UTF8.GetString(raw);

    public Exception? ReadError { get; } = readError;

    /// <summary>Payloads of complete events (text after <c>data: </c>), [DONE] included; asserts the framing.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            var parts = Raw.Split("\n\n");
            var events = new List<string>();
            for (var i = 0; i < parts.Length - 1; i++)
            {
                Assert.StartsWith("data: ", parts[i], StringComparison.Ordinal);
                Assert.DoesNotContain('\n', parts[i]);
                events.Add(parts[i]["data: ".Length..]);
            }

            return events;
        }
    }

    /// <summary>The JSON chunks (everything but [DONE]).</summary>
    public IReadOnlyList<JsonElement> Chunks =>
        [.. Events.Where(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement.Clone())];

    /// <summary>Concatenation of every chat delta's content (or completion text).</summary>
    public string Content =>
        string.Concat(Chunks
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0])
            .Select(choice => choice.TryGetProperty("delta", out var delta)
                ? (delta.TryGetProperty("content", out var content) ? content.GetString() : null)
                : choice.GetProperty("text").GetString()));
}
