using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary><c>GET /v1/models</c>: one vLLM model card per served name (§1.2); <c>created</c> and permission ids are fresh per call.</summary>
internal static class ModelsHandler
{
    public static Task HandleAsync(HttpContext context, SimulatorState state) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, state, static (w, s) => Write(w, s)).AsTask();

    private static void Write(Utf8JsonWriter writer, SimulatorState state)
    {
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        writer.WriteStartObject();
        writer.WriteString(WireNames.Object, WireNames.List);
        writer.WriteStartArray(WireNames.Data);
        foreach (var model in state.Options.Models)
        {
            WriteCard(writer, created, model, model, null, state.Options.MaxModelLen);
        }

        foreach (var (name, path) in state.Options.ParsedLoraAdapters())
        {
            WriteCard(writer, created, name, path, state.DefaultModel, null);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>One card; a LoRA adapter has its path as <c>root</c>, the base model as <c>parent</c> and no <c>max_model_len</c>.</summary>
    private static void WriteCard(Utf8JsonWriter writer, long created, string id, string root, string? parent, int? maxModelLen)
    {
        writer.WriteStartObject();
        PyJson.WriteString(writer, WireNames.Id, id);
        writer.WriteString(WireNames.Object, "model");
        writer.WriteNumber(WireNames.Created, created);
        writer.WriteString("owned_by", "vllm");
        writer.WritePropertyName("root");
        PyJson.WriteStringValue(writer, root);
        if (parent is null)
        {
            writer.WriteNull("parent");
        }
        else
        {
            writer.WritePropertyName("parent");
            PyJson.WriteStringValue(writer, parent);
        }

        if (maxModelLen is int len)
        {
            writer.WriteNumber("max_model_len", len);
        }
        else
        {
            writer.WriteNull("max_model_len");
        }

        writer.WriteStartArray("permission");
        writer.WriteStartObject();
        writer.WriteString(WireNames.Id, "modelperm-" + Guid.NewGuid().ToString("N"));
        writer.WriteString(WireNames.Object, "model_permission");
        writer.WriteNumber(WireNames.Created, created);
        writer.WriteBoolean("allow_create_engine", false);
        writer.WriteBoolean("allow_sampling", true);
        writer.WriteBoolean("allow_logprobs", true);
        writer.WriteBoolean("allow_search_indices", false);
        writer.WriteBoolean("allow_view", true);
        writer.WriteBoolean("allow_fine_tuning", false);
        writer.WriteString("organization", "*");
        writer.WriteNull("group");
        writer.WriteBoolean("is_blocking", false);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
