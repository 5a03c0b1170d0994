using System.Net;
using System.Text;

namespace Gateway.Actors.Tests.Routing;

/// <summary>An in-memory vLLM whose health and model list the test changes while the router probes it.</summary>
public sealed class ScriptedUpstream : HttpMessageHandler
{
    public volatile bool Healthy = true;
    public volatile string ServedModel = "m";
    public volatile bool Down;

    /// <summary>Hosts (<c>a.test</c>) that refuse connections while the others answer: one dead replica of several.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> DownHosts { get; } = new(StringComparer.OrdinalIgnoreCase);

    private int _healthProbes;

    /// <summary><c>/health</c> requests seen (each probe starts with one).</summary>
    public int HealthProbes => Volatile.Read(ref _healthProbes);

    /// <summary>While set and not completed, health probes wait for it (a replica slow to answer its first probe).</summary>
    public volatile TaskCompletionSource? ProbesHeld;

    private int _heldProbes;

    /// <summary>Probes that found <see cref="ProbesHeld"/> pending and waited.</summary>
    public int HeldProbes => Volatile.Read(ref _heldProbes);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ProbesHeld is { Task.IsCompleted: false } held && request.RequestUri!.AbsolutePath == "/health")
        {
            Interlocked.Increment(ref _heldProbes);
            await held.Task.WaitAsync(cancellationToken);
        }

        return Answer(request);
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        if (request.RequestUri!.AbsolutePath == "/health")
        {
            Interlocked.Increment(ref _healthProbes);
        }

        if (Down || DownHosts.ContainsKey(request.RequestUri.Host))
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "refused");
        }

        var path = request.RequestUri!.AbsolutePath;
        var response = path switch
        {
            "/health" => new HttpResponseMessage(Healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable),
            "/v1/models" => Json($$"""{"object":"list","data":[{"id":"{{ServedModel}}","object":"model","owned_by":"vllm","max_model_len":4096}]}"""),
            _ => Json("""{"id":"chatcmpl-1","object":"chat.completion","choices":[]}"""),
        };
        return response;
    }

    private static HttpResponseMessage Json(string json) =>
        new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
