using System.Buffers;
using System.Text.Json;
using Gateway.Actors.Routing;
using Gateway.Host.Http;
using Gateway.Streams.Proxy;

namespace Gateway.Host.Endpoints;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the configured models a caller may use, in OpenAI's list shape.</summary>
internal sealed class ModelsEndpoint(PublishedModelRegistry models, TimeProvider time)
{
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public Task ListAsync(HttpContext context)
    {
        var identity = GatewayRequestFeature.Of(context).Identity;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            foreach (var handle in models.Current.All.Where(h => identity?.MayUse(h.ModelId) != false))
            {
                WriteModel(writer, handle);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return WriteJsonAsync(context, buffer.WrittenMemory);
    }

    public Task GetAsync(HttpContext context, string id)
    {
        var identity = GatewayRequestFeature.Of(context).Identity;
        var snapshot = models.Current;
        if (!snapshot.TryGet(id, out var handle) || identity?.MayUse(id) == false)
        {
            return ErrorResponses.WriteAsync(context, UsableModels.NotFound(id, snapshot, identity));
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteModel(writer, handle);
        }

        return WriteJsonAsync(context, buffer.WrittenMemory);
    }

    private void WriteModel(Utf8JsonWriter writer, ModelEntry handle)
    {
        writer.WriteStartObject();
        writer.WriteString("id", handle.ModelId);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", _created);
        writer.WriteString("owned_by", "vllm");
        writer.WriteString("root", handle.Route.UpstreamModel);
        writer.WriteNull("parent");
        if (handle.Readiness.MaxModelLen is { } maxLen)
        {
            writer.WriteNumber("max_model_len", maxLen);
        }

        writer.WriteEndObject();
    }

    private static Task WriteJsonAsync(HttpContext context, ReadOnlyMemory<byte> json)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
    }
}
