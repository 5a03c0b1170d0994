using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// Simulator-only routes for tests: <c>GET /sim/stats</c> (the <see cref="SimulatorStats"/> counters) and
/// <c>POST /sim/reset</c> (zero them; answers the zeroed stats). vLLM metrics are never reset.
/// </summary>
internal static class SimControlEndpoints
{
    public static Task StatsAsync(HttpContext context, SimulatorState state) =>
        JsonResponses.WriteAsync(context, StatusCodes.Status200OK, state.Stats, static (w, s) => s.WriteJson(w)).AsTask();

    public static Task ResetAsync(HttpContext context, SimulatorState state)
    {
        state.Stats.Reset();
        return StatsAsync(context, state);
    }
}
