using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// <c>POST /v1/responses</c> in its simplest form: non-streaming text generation answered with a vLLM
/// <c>response</c> object (one <c>message</c> output item with one <c>output_text</c> part, <c>usage</c> in
/// input/output tokens). <c>stream: true</c> is answered with a 400 in vLLM's envelope (not simulated). The same
/// <c>vllm_sim</c> controls, scheduler and metrics as chat apply.
/// </summary>
internal static class ResponsesHandler
{
    public const string IdPrefix = "resp_";

    public static Task HandleAsync(HttpContext context, SimulatorState state) =>
        RequestLifecycle.HandleAsync(context, state, HandleBodyAsync);

    private static async Task<RequestOutcome> HandleBodyAsync(HttpContext context, SimulatorState state, JsonElement body)
    {
        if (!ResponsesInput.TryRender(body, out var prompt, out var error)
            || !JsonFields.TryGetString(body, "model", "model", out var model, out error)
            || !JsonFields.TryGetBool(body, "stream", "stream", out var stream, out error)
            || !JsonFields.TryGetInt(body, "max_output_tokens", "max_output_tokens", out var maxOutputTokens, out error)
            || !VllmSimControl.TryParse(body, out var control, out error))
        {
            await VllmErrors.WriteAsync(context, state.Options, error!);
            return RequestOutcome.Failed;
        }

        model ??= state.DefaultModel;
        if (!state.Models.TryGetValue(model, out var metrics))
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.ModelNotFound(model));
            return RequestOutcome.Failed;
        }

        if (stream == true)
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.BadRequest("Streaming /v1/responses is not supported by the simulator"));
            return RequestOutcome.Failed;
        }

        var request = new GenerationRequest
        {
            Model = model,
            Metrics = metrics,
            Id = IdPrefix + Guid.NewGuid().ToString("N"),
            Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            MaxTokens = maxOutputTokens,
            Control = control,
        };
        var promptTokens = SimTokenizer.Count(prompt);
        if (maxOutputTokens is < 1)
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.MaxTokensTooSmall(maxOutputTokens.Value));
            return RequestOutcome.Failed;
        }

        if (!request.TryResolveMaxTokens(state.Options, promptTokens, out var maxTokens, out error))
        {
            await VllmErrors.WriteAsync(context, state.Options, error!);
            return RequestOutcome.Failed;
        }

        var plan = GenerationPlan.Create(control.Output, control.ChunkChars, DeterministicText.Seed(prompt), maxTokens, maxOutputTokens is not null, []);
        return await GenerationRunner.RunAsync(context, state, request, [plan], [promptTokens], ResponsesWireFormat.Instance);
    }
}
