// Bare YARP 2.3 reverse proxy for side-by-side benchmarks: one catch-all route to one upstream, YARP's default
// SocketsHttpHandler (keep-alive connection pool), no logging. Usage: BareYarp --port P --upstream http://127.0.0.1:U
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Configuration;

var port = 8080;
var upstream = "http://127.0.0.1:18000";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--upstream": upstream = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxConcurrentConnections = null;
    k.Limits.MinResponseDataRate = null;
    k.AddServerHeader = false;
    k.Listen(System.Net.IPAddress.Loopback, port, o => o.Protocols = HttpProtocols.Http1);
});
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "upstream",
        Destinations = new Dictionary<string, DestinationConfig> { ["u"] = new() { Address = upstream } },
        HttpClient = new HttpClientConfig { MaxConnectionsPerServer = null, EnableMultipleHttp2Connections = false },
        HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) },
    }]);
var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
return 0;
