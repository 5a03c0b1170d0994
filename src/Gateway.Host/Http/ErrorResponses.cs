using System.Globalization;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Http;

/// <summary>Writes a <see cref="GatewayError"/> as an OpenAI-style JSON error response.</summary>
internal static class ErrorResponses
{
    public static Task WriteAsync(HttpContext context, GatewayError error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        var facts = GatewayRequestFeature.Of(context);
        facts.ErrorCode = error.Code;
        facts.Error = error;
        var body = GatewayErrorJson.ToBytes(error);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
