using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Deploy.Tests.Support;

/// <summary>A Kestrel server on 127.0.0.1 with a free port that answers every request with <c>handler</c>.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public int Port => BaseUrl.Port;

    /// <summary>Requests seen: "METHOD PATH" and the Authorization header ("" when absent).</summary>
    public ConcurrentQueue<(string Request, string Authorization)> Requests { get; } = new();

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LoopbackServer? server = null;
        app.Run(async context =>
        {
            server?.Requests.Enqueue(($"{context.Request.Method} {context.Request.Path}", context.Request.Headers.Authorization.ToString()));
            await handler(context);
        });
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        server = new LoopbackServer(app, address);
        return server;
    }

    /// <summary>Serves <paramref name="body"/> as JSON with <paramref name="status"/>.</summary>
    public static Task<LoopbackServer> JsonAsync(string body, int status = 200) =>
        StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });

    /// <summary>A loopback port with nothing listening (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
