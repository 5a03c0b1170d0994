using System.IO.Pipelines;
using System.Net;
using System.Text;
using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;
using Gateway.Streams.Tests.Support;
using Gateway.Streams.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Streams.Tests.Upstream;

/// <summary>The gateway's dispatcher sends through the handler itself (no HttpClient layer): answered at the headers, timed by its own deadline.</summary>
public sealed class VllmDispatcherInvokerSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_response_is_handed_over_at_its_headers_before_its_body_arrives()
    {
        var body = new Pipe();
        var handler = new FakeUpstreamHandler((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(body.Reader.AsStream()),
        }));
        using var invoker = UpstreamHttpClient.CreateInvoker(handler);
        var request = Chat(TimeProvider.System);

        _ = new VllmDispatcher(invoker, TimeSpan.FromSeconds(30)).DispatchAsync(request);
        var responded = Assert.IsType<ProxyOutcome.Responded>(await request.Outcome.WaitAsync(Wait));

        await body.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"ok\":true}"));
        await body.Writer.CompleteAsync();
        Assert.Equal("{\"ok\":true}", await responded.Response.Message.Content.ReadAsStringAsync());
        responded.Response.Dispose();
        request.Release();
        handler.Dispose();
    }

    [Fact]
    public async Task The_request_timeout_fires_on_the_injected_clock()
    {
        var clock = new FakeTimeProvider();
        var handler = new FakeUpstreamHandler(async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var invoker = UpstreamHttpClient.CreateInvoker(handler);
        var request = Chat(clock);

        _ = new VllmDispatcher(invoker, TimeSpan.FromSeconds(30), clock).DispatchAsync(request);
        await Eventually(() => handler.Received.Count == 1);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(request.Outcome.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(1));
        var rejected = Assert.IsType<ProxyOutcome.Rejected>(await request.Outcome.WaitAsync(Wait));
        Assert.Equal(504, rejected.Error.Status);
        Assert.Equal("upstream_timeout", rejected.Error.Code);
        handler.Dispose();
    }

    private static ProxyRequest Chat(TimeProvider clock)
    {
        var request = Requests.Chat();
        request.UpstreamBody = request.Body;
        request.Endpoint = new UpstreamEndpoint(new Uri("http://upstream.test/"), new UpstreamCircuitBreaker(5, TimeSpan.FromSeconds(30), time: clock));
        return request;
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
