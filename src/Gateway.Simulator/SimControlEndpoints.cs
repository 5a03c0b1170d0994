using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// Simulator-only routes for tests: <c>GET /sim/stats</c> (the <see cref="SimulatorStats"/> counters) and
/// <c>POST /sim/reset</c> (zero them and clear the load offset; answers the zeroed stats), <c>POST /sim/load</c> (pin an
/// offset onto the load gauges of <c>/metrics</c>; <c>{}</c> clears it). vLLM's counters are never reset.
/// </summary>
internal static class SimControlEndpoints
{
    public static Task StatsAsync(HttpContext context, SimulatorState state) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, state.Stats, static (w, s) => s.WriteJson(w)).AsTask();

    public static Task ResetAsync(HttpContext context, SimulatorState state)
    {
        state.Stats.Reset();
        state.LoadOffset = SimLoadOffset.None;
        return StatsAsync(context, state);
    }

    /// <summary><c>POST /sim/load</c> with <c>{"waiting","running","kv_cache_usage"}</c> (absent = 0); answers the offset now in force.</summary>
    public static async Task LoadAsync(HttpContext context, SimulatorState state)
    {
        using var body = await JsonRequestReader.ReadAsync(context.Request.BodyReader, context.RequestAborted);
        string? error = "body must be JSON";
        if (body is null || !SimLoadOffset.TryParse(body.Root, out var offset, out error))
        {
            await VllmErrors.WriteDetailAsync(context, StatusCodes.Status400BadRequest, error ?? "invalid body");
            return;
        }

        state.LoadOffset = offset;
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, offset, static (w, o) => o.WriteJson(w));
    }
}
