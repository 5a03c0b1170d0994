using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary><c>/health</c>, <c>/ping</c>, <c>/version</c>, <c>/load</c>: vLLM's small status routes.</summary>
internal static class InfoEndpoints
{
    /// <summary>The vLLM release whose wire format the simulator copies.</summary>
    public const string VllmVersion = "0.11.0";

    /// <summary>200 with an empty body (<c>content-length: 0</c>).</summary>
    public static Task HealthAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static Task VersionAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, 0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteString("version", VllmVersion);
            w.WriteEndObject();
        }).AsTask();

    /// <summary>Without <c>--enable-server-load-tracking</c> vLLM always reports 0.</summary>
    public static Task LoadAsync(HttpContext context) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, 0, static (w, _) =>
        {
            w.WriteStartObject();
            w.WriteNumber("server_load", 0);
            w.WriteEndObject();
        }).AsTask();
}
