using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// <c>POST /v1/embeddings</c>: one unit-length vector per input, derived from a hash of the input (same input → same
/// vector), as <c>float</c> lists or <c>base64</c> little-endian float32. Honours <c>vllm_sim</c>'s
/// <c>hang_ms</c>, <c>fail_status</c>, <c>ttft_ms</c> (delay before the answer) and <c>fail_after_chunks</c> (abort).
/// </summary>
internal static class EmbeddingsHandler
{
    public const string IdPrefix = "embd-";

    public static Task HandleAsync(HttpContext context, SimulatorState state) =>
        RequestLifecycle.HandleAsync(context, state, HandleBodyAsync);

    private static async Task<RequestOutcome> HandleBodyAsync(HttpContext context, SimulatorState state, JsonElement body)
    {
        var options = state.Options;
        if (!PromptInput.TryParseList(body, "input", out var inputs, out var error)
            || !JsonFields.TryGetString(body, "model", "model", out var model, out error)
            || !JsonFields.TryGetString(body, "encoding_format", "encoding_format", out var encoding, out error)
            || !JsonFields.TryGetInt(body, "dimensions", "dimensions", out var dimensions, out error)
            || !JsonFields.TryGetString(body, "request_id", "request_id", out var requestId, out error)
            || !VllmSimControl.TryParse(body, out var control, out error))
        {
            await VllmErrors.WriteAsync(context, options, error!);
            return RequestOutcome.Failed;
        }

        if (encoding is not (null or "float" or "base64"))
        {
            await VllmErrors.WriteAsync(context, options, VllmErrors.Validation("literal_error", VllmErrors.Location("encoding_format"), "Input should be 'float' or 'base64'"));
            return RequestOutcome.Failed;
        }

        model ??= state.DefaultModel;
        if (!state.Models.TryGetValue(model, out var metrics))
        {
            await VllmErrors.WriteAsync(context, options, VllmErrors.ModelNotFound(model));
            return RequestOutcome.Failed;
        }

        if (dimensions is < 1)
        {
            await VllmErrors.WriteAsync(context, options, VllmErrors.BadRequest($"dimensions must be at least 1, got {dimensions}."));
            return RequestOutcome.Failed;
        }

        var promptTokens = 0;
        foreach (var input in inputs)
        {
            if (input.TokenCount > options.MaxModelLen)
            {
                await VllmErrors.WriteAsync(context, options, VllmErrors.EmbeddingInputTooLong(options.MaxModelLen, input.TokenCount));
                return RequestOutcome.Failed;
            }

            promptTokens += input.TokenCount;
        }

        if (await RequestLifecycle.QueueAndFailuresAsync(context, state, control, metrics) is RequestOutcome early)
        {
            return early;
        }

        metrics.EnterRunning(promptTokens);
        var finished = false;
        try
        {
            await RequestLifecycle.DelayAsync(control.TtftMs ?? options.TtftMs, context.RequestAborted);
            if (control.FailAfterChunks is not null)
            {
                context.Abort();
                return RequestOutcome.Failed;
            }

            var response = new EmbeddingResponse(
                IdPrefix + RequestIds.Base(context, requestId),
                DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model,
                inputs,
                dimensions ?? options.EmbeddingDimensions,
                encoding == "base64",
                promptTokens);
            if (!await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, response, static (w, r) => r.Write(w)))
            {
                return RequestOutcome.AbortedByClient;
            }

            finished = true;
            metrics.Finished(FinishReasons.Stop);
            return RequestOutcome.Completed;
        }
        catch (Exception e) when (RequestLifecycle.IsClientGone(e, context))
        {
            return RequestOutcome.AbortedByClient;
        }
        finally
        {
            metrics.ExitRunning();
            if (!finished)
            {
                metrics.Finished(FinishReasons.Abort);
            }
        }
    }

    /// <summary>A deterministic unit vector for <paramref name="seed"/>.</summary>
    internal static float[] Vector(ulong seed, int dimensions)
    {
        var vector = new float[dimensions];
        double norm = 0;
        var values = new double[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            // 53 random bits → [0, 1) → [-1, 1)
            var unit = (Fnv.Mix(seed + (ulong)i) >> 11) * (1.0 / (1UL << 53));
            values[i] = (unit * 2.0) - 1.0;
            norm += values[i] * values[i];
        }

        norm = norm > 0 ? Math.Sqrt(norm) : 1.0;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(values[i] / norm);
        }

        return vector;
    }

    private sealed record EmbeddingResponse(
        string Id, long Created, string Model, PromptInput[] Inputs, int Dimensions, bool Base64, int PromptTokens)
    {
        public void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            PyJson.WriteString(writer, WireNames.Id, Id);
            writer.WriteString(WireNames.Object, WireNames.List);
            writer.WriteNumber(WireNames.Created, Created);
            PyJson.WriteString(writer, WireNames.Model, Model);
            writer.WriteStartArray(WireNames.Data);
            for (var i = 0; i < Inputs.Length; i++)
            {
                var vector = Vector(Inputs[i].Seed, Dimensions);
                writer.WriteStartObject();
                writer.WriteNumber(WireNames.Index, i);
                writer.WriteString(WireNames.Object, WireNames.EmbeddingObject);
                writer.WritePropertyName(WireNames.Embedding);
                if (Base64)
                {
                    var bytes = new byte[vector.Length * sizeof(float)];
                    for (var j = 0; j < vector.Length; j++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(j * sizeof(float)), vector[j]);
                    }

                    PyJson.WriteStringValue(writer, Convert.ToBase64String(bytes));
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (var value in vector)
                    {
                        // vLLM sends float32 values widened to Python floats (tensor.tolist()).
                        writer.WriteNumberValue((double)value);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            new TokenUsage(PromptTokens, 0).Write(writer, withDetails: true);
            writer.WriteEndObject();
        }
    }
}
