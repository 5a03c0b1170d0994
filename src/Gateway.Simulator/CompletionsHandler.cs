using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary><c>POST /v1/completions</c> (legacy completions), plain and streaming; one choice per prompt.</summary>
internal static class CompletionsHandler
{
    public const string IdPrefix = "cmpl-";

    public static Task HandleAsync(HttpContext context, SimulatorState state) =>
        RequestLifecycle.HandleAsync(context, state, HandleBodyAsync);

    private static async Task<RequestOutcome> HandleBodyAsync(HttpContext context, SimulatorState state, JsonElement body)
    {
        if (!PromptInput.TryParseList(body, "prompt", out var prompts, out var error)
            || !GenerationRequest.TryParse(context, body, state, IdPrefix, out var request, out error))
        {
            await VllmErrors.WriteAsync(context, state.Options, error!);
            return RequestOutcome.Failed;
        }

        if (body.TryGetProperty("suffix", out var suffix) && suffix.ValueKind != JsonValueKind.Null)
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.BadRequest("suffix is not currently supported"));
            return RequestOutcome.Failed;
        }

        var control = request!.Control;
        var plans = new GenerationPlan[prompts.Length];
        var promptTokens = new int[prompts.Length];
        for (var i = 0; i < prompts.Length; i++)
        {
            var prompt = prompts[i];
            promptTokens[i] = prompt.TokenCount;
            if (!request.TryResolveMaxTokens(state.Options, prompt.TokenCount, out var maxTokens, out error))
            {
                await VllmErrors.WriteAsync(context, state.Options, error!);
                return RequestOutcome.Failed;
            }

            plans[i] = GenerationPlan.Create(control.Output, control.ChunkChars, prompt.Seed, maxTokens, request.MaxTokens is not null, request.Stops);
        }

        return await GenerationRunner.RunAsync(context, state, request, plans, promptTokens, CompletionWireFormat.Instance);
    }
}
