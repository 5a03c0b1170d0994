using System.Text.Json;

namespace Gateway.Simulator;

/// <summary>
/// A pinned offset added to the load figures of <c>/metrics</c> (set by <c>POST /sim/load</c>), so a test can make a
/// replica look busy without real traffic: <c>waiting</c> and <c>running</c> are added to every model's gauges,
/// <c>kv_cache_usage</c> to the KV figure (the sum is capped at 1).
/// </summary>
internal sealed record SimLoadOffset(long Waiting, long Running, double KvCacheUsage)
{
    public static readonly SimLoadOffset None = new(0, 0, 0);

    /// <summary>Reads <c>{"waiting": n, "running": n, "kv_cache_usage": 0..1}</c>; absent fields are 0.</summary>
    public static bool TryParse(JsonElement body, out SimLoadOffset offset, out string? error)
    {
        offset = None;
        error = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "body must be a JSON object";
            return false;
        }

        long waiting = 0;
        long running = 0;
        double kv = 0;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "waiting" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out waiting) && waiting >= 0:
                case "running" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out running) && running >= 0:
                case "kv_cache_usage" when value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out kv) && kv is >= 0 and <= 1:
                    break;
                case "waiting" or "running":
                    error = property.Name + " must be a non-negative integer";
                    return false;
                case "kv_cache_usage":
                    error = "kv_cache_usage must be a number between 0 and 1";
                    return false;
                default:
                    error = "unknown field '" + property.Name + "' (expected waiting, running, kv_cache_usage)";
                    return false;
            }
        }

        offset = new SimLoadOffset(waiting, running, kv);
        return true;
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("waiting", Waiting);
        writer.WriteNumber("running", Running);
        writer.WriteNumber("kv_cache_usage", KvCacheUsage);
        writer.WriteEndObject();
    }
}
