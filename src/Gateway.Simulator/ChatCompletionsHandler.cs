using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary><c>POST /v1/chat/completions</c>, plain and streaming.</summary>
internal static class ChatCompletionsHandler
{
    public const string IdPrefix = "chatcmpl-";

    public static Task HandleAsync(HttpContext context, SimulatorState state) =>
        RequestLifecycle.HandleAsync(context, state, HandleBodyAsync);

    private static async Task<RequestOutcome> HandleBodyAsync(HttpContext context, SimulatorState state, JsonElement body)
    {
        if (!ChatPromptRenderer.TryRender(body, out var prompt, out var error)
            || !ToolChoiceRules.TryValidate(body, out error)
            || !GenerationRequest.TryParse(context, body, state, IdPrefix, out var request, out error)
            || !ToolChoiceRules.TryCheckAuto(body, state.Options, out error))
        {
            await VllmErrors.WriteAsync(context, state.Options, error!);
            return RequestOutcome.Failed;
        }

        var promptTokens = SimTokenizer.Count(prompt);
        if (!request!.TryResolveMaxTokens(state.Options, promptTokens, out var maxTokens, out error))
        {
            await VllmErrors.WriteAsync(context, state.Options, error!);
            return RequestOutcome.Failed;
        }

        var control = request.Control;
        var tools = control.Output is null ? ToolDecision.Decide(body, state.Options) : null;
        var plan = tools?.Call is { } call
            ? GenerationPlan.ForToolCall(call, tools.Arguments, control.ChunkChars, maxTokens, request.MaxTokens is not null)
            : GenerationPlan.Create(
                control.Output ?? tools?.Text, control.ChunkChars, DeterministicText.Seed(prompt), maxTokens, request.MaxTokens is not null, request.Stops);
        return await GenerationRunner.RunAsync(context, state, request, [plan], [promptTokens], ChatWireFormat.Instance);
    }
}
