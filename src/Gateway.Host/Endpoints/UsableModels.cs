using Gateway.Actors.Routing;
using Gateway.Host.Http;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Endpoints;

/// <summary>The models a caller may use (its key's allow-list over the current model set), for a 404's message.</summary>
internal static class UsableModels
{
    public static IReadOnlyList<string> For(ModelRegistrySnapshot models, ApiKeyIdentity? identity) =>
        models.All.Select(m => m.ModelId).Where(id => identity?.MayUse(id) != false).Order(StringComparer.Ordinal).ToList();

    /// <summary>404 <c>model_not_found</c> naming the models this caller may use, and no others.</summary>
    public static GatewayError NotFound(string model, ModelRegistrySnapshot models, ApiKeyIdentity? identity) =>
        GatewayError.ModelNotFound(model, For(models, identity));
}
