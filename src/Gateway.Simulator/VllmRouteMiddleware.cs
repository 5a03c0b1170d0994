using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// What FastAPI/vLLM does around the routes: the <c>--api-key</c> check on <c>/v1/*</c> (401
/// <c>{"error":"Unauthorized"}</c>), and <c>{"detail":"Not Found"}</c> / <c>{"detail":"Method Not Allowed"}</c>
/// bodies for unknown routes and wrong methods, where ASP.NET would send an empty body.
/// </summary>
internal static class VllmRouteMiddleware
{
    public static async Task InvokeAsync(HttpContext context, SimulatorState state, RequestDelegate next)
    {
        if (state.Options.ApiKeys.Count > 0 && !IsAuthorized(context, state.Options.ApiKeys))
        {
            await VllmErrors.WriteUnauthorizedAsync(context);
            return;
        }

        await next(context);
        var response = context.Response;
        if (response.HasStarted || response.ContentLength is not null)
        {
            return;
        }

        if (response.StatusCode == StatusCodes.Status404NotFound)
        {
            await VllmErrors.WriteDetailAsync(context, StatusCodes.Status404NotFound, "Not Found");
        }
        else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            await VllmErrors.WriteDetailAsync(context, StatusCodes.Status405MethodNotAllowed, "Method Not Allowed");
        }
    }

    /// <summary>vLLM checks only paths under <c>/v1</c>, never <c>OPTIONS</c>; the scheme is case-insensitive.</summary>
    private static bool IsAuthorized(HttpContext context, IReadOnlyList<string> keys)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/v1", StringComparison.Ordinal) || HttpMethods.IsOptions(request.Method))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = header[scheme.Length..].Trim();
        return keys.Any(k => string.Equals(k, token, StringComparison.Ordinal));
    }
}
