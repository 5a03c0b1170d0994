using System.Net;
using Gateway.Host.Http;
using Gateway.Host.Observability;
using Gateway.Host.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Gateway.Host.Tests.Http;

public sealed class RequestLoggingMiddlewareTests
{
    [Fact]
    public async Task Client_supplied_names_cannot_forge_log_lines()
    {
        var sink = new CapturingSink();
        var middleware = new RequestLoggingMiddleware(
            context =>
            {
                GatewayRequestFeature.Of(context).Model = "evil\nINF forged line\r";
                context.Response.StatusCode = (int)HttpStatusCode.NotFound;
                return Task.CompletedTask;
            },
            new RequestTelemetry(TestTelemetry.Metrics(), TimeProvider.System, TestTelemetry.AccessLog(sink, TimeProvider.System)),
            TimeProvider.System,
            new ListLogger<RequestLoggingMiddleware>());
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/v1/chat/completions\n";

        await middleware.InvokeAsync(context);

        var line = Assert.Single(sink.Messages());
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains("evil\uFFFDINF forged line\uFFFD", line, StringComparison.Ordinal);
    }
}
