using Gateway.Host.Http;

namespace Gateway.Host.Hosting;

/// <summary>Bearer-key authentication: the authenticator built from the settings, and the middleware that enforces it.</summary>
internal static class AuthHostingExtensions
{
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services) =>
        services.AddSingleton(sp => sp.GetRequiredService<GatewayRuntime>().Keys);

    public static IApplicationBuilder UseGatewayAuth(this IApplicationBuilder app) => app.UseMiddleware<BearerAuthMiddleware>();
}
