using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Gateway.Streams.Tests.Support;

/// <summary>An in-memory upstream: each request is answered by the test's function (which may wait).</summary>
public sealed class FakeUpstreamHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int _active;
    private int _maxActive;

    public ConcurrentQueue<(string Path, string Body, string? RequestId)> Received { get; } = new();

    public int MaxActive => Volatile.Read(ref _maxActive);

    /// <summary>An upstream that holds every request until <paramref name="release"/> completes, then answers 200 <c>{}</c>.</summary>
    public static FakeUpstreamHandler Held(TaskCompletionSource release) => new(async (_, ct) =>
    {
        await release.Task.WaitAsync(ct);
        return Json(HttpStatusCode.OK, "{}");
    });

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var active = Interlocked.Increment(ref _active);
        InterlockedMax(ref _maxActive, active);
        try
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Received.Enqueue((request.RequestUri!.AbsolutePath, body, request.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.First() : null));
            return await respond(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
