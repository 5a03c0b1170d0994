using Gateway.Host.Configuration;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Http;

/// <summary>
/// Requires a valid bearer key on every route except the probes and metrics (metrics too with <c>Gateway:Metrics:RequireKey</c>).
/// With no key configured (loopback-only dev mode, enforced by configuration validation) every caller passes. Reads the key set
/// published now, so a reloaded key (or a rotated secret) counts from the next request on.
/// </summary>
internal sealed class BearerAuthMiddleware(RequestDelegate next, PublishedApiKeys keys, GatewaySettings settings)
{
    public Task InvokeAsync(HttpContext context)
    {
        var authenticator = keys.Current;
        var path = context.Request.Path;
        if (!authenticator.Enabled || (IsOpenPath(path) && !(settings.Metrics.RequireKey && path.Equals("/metrics", StringComparison.Ordinal))))
        {
            return next(context);
        }

        if (AuthorizationHeaderCheck.Check(context.Request.Headers.Authorization) is { } malformed) // issue 9: before any key lookup
        {
            return ErrorResponses.WriteAsync(context, malformed);
        }

        var result = authenticator.Authenticate(context.Request.Headers.Authorization);
        switch (result.Outcome)
        {
            case AuthOutcome.Ok:
                GatewayRequestFeature.Of(context).Identity = result.Identity;
                return next(context);
            case AuthOutcome.Disabled:
                GatewayRequestFeature.Of(context).Identity = result.Identity;
                return ErrorResponses.WriteAsync(context, GatewayError.KeyDisabled());
            case AuthOutcome.Missing:
                return ErrorResponses.WriteAsync(context, GatewayError.MissingBearerToken());
            default:
                return ErrorResponses.WriteAsync(context, GatewayError.InvalidBearerToken());
        }
    }

    public static bool IsOpenPath(PathString path) =>
        path.Equals("/health", StringComparison.Ordinal) || path.Equals("/ready", StringComparison.Ordinal) || path.Equals("/metrics", StringComparison.Ordinal);
}
