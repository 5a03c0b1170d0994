using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// Runs planned choices against the wire, plain or streaming, with the simulated timing: admission by the
/// <see cref="EngineScheduler"/> (FIFO wait beyond --max-num-seqs, counted as waiting), the first engine step after
/// TTFT, one step per token after that (ITL), each step growing the request's KV-cache share. Streaming sends headers at once, then nothing until the first step,
/// then per step one event per choice (chat: the role chunk rides with the first step), the finish chunk(s), the
/// usage chunk if asked, and <c>data: [DONE]</c>.
/// </summary>
internal static class GenerationRunner
{

    public static async Task<RequestOutcome> RunAsync(
        HttpContext context, SimulatorState state, GenerationRequest request, GenerationPlan[] plans, int[] promptTokens, IGenerationWireFormat format)
    {
        var metrics = request.Metrics;
        if (await RequestLifecycle.QueueAndFailuresAsync(context, state, request.Control, metrics) is RequestOutcome early)
        {
            return early;
        }

        var finished = new bool[plans.Length];
        var run = new Run(context, state, request, plans, promptTokens, format, finished);
        try
        {
            return request.Stream ? await run.StreamAsync() : await run.PlainAsync();
        }
        catch (Exception e) when (RequestLifecycle.IsClientGone(e, context))
        {
            return RequestOutcome.AbortedByClient;
        }
        finally
        {
            if (run.Slot is { } slot)
            {
                metrics.ExitRunning();
                slot.Dispose();
            }

            foreach (var done in finished)
            {
                if (!done)
                {
                    metrics.Finished(FinishReasons.Abort);
                }
            }
        }
    }

    private sealed class Run(
        HttpContext context, SimulatorState state, GenerationRequest request, GenerationPlan[] plans, int[] promptTokens, IGenerationWireFormat format, bool[] finished)
    {
        private readonly CancellationToken _ct = context.RequestAborted;
        private readonly VllmSimControl _control = request.Control;
        private readonly int _ttftMs = request.Control.TtftMs ?? state.Options.TtftMs;
        private readonly int _itlMs = request.Control.ItlMs ?? state.Options.ItlMs;

        /// <summary>The engine slot once admitted (released by <see cref="RunAsync"/>).</summary>
        public EngineSlot? Slot { get; private set; }

        /// <summary>Waits for a running slot (FIFO, counted as waiting), then prefills the prompt.</summary>
        private async Task AdmitAsync()
        {
            Slot = await state.Scheduler.AdmitAsync(request.Metrics, _ct);
            var prompt = promptTokens.Sum();
            request.Metrics.EnterRunning(prompt);
            Slot.AddTokens(prompt);
        }

        private void Generated(int tokens)
        {
            request.Metrics.AddGenerationTokens(tokens);
            Slot?.AddTokens(tokens);
        }

        public async Task<RequestOutcome> PlainAsync()
        {
            await AdmitAsync();
            if (_control.StallAfterChunks is not null)
            {
                // Never answer; only the client leaving (or shutdown) ends this.
                await Task.Delay(Timeout.Infinite, _ct);
            }

            var steps = plans.Max(p => p.Steps);
            await RequestLifecycle.DelayAsync(_ttftMs, _ct);
            for (var step = 1; step < steps; step++)
            {
                // One engine step per token: the KV cache grows as the plain response is generated.
                Slot!.AddTokens(plans.Count(p => step < p.Steps));
                await RequestLifecycle.DelayAsync(_itlMs, _ct);
            }

            if (_control.FailAfterChunks is not null)
            {
                context.Abort();
                return RequestOutcome.Failed;
            }

            var usage = new TokenUsage(promptTokens.Sum(), plans.Sum(p => p.CompletionTokens));
            var delivered = await JsonResponses.WriteAsync(
                context,
                StatusCodes.Status200OK,
                (format, request, plans, usage),
                static (writer, s) => s.format.WriteResponse(writer, s.request, s.plans, s.usage));
            if (!delivered)
            {
                return RequestOutcome.AbortedByClient;
            }

            for (var i = 0; i < plans.Length; i++)
            {
                request.Metrics.AddGenerationTokens(plans[i].CompletionTokens);
                request.Metrics.Finished(plans[i].FinishReason);
                finished[i] = true;
            }

            return RequestOutcome.Completed;
        }

        public async Task<RequestOutcome> StreamAsync()
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = SseStream.ContentType;
            using var sse = new SseStream(response.BodyWriter);

            // Headers go out now; the body stays silent until the first engine step, as vLLM's does during prefill.
            await response.StartAsync(_ct);
            if (!await sse.FlushAsync(_ct))
            {
                return RequestOutcome.AbortedByClient;
            }

            await AdmitAsync();
            await RequestLifecycle.DelayAsync(_ttftMs, _ct);
            var steps = plans.Max(p => p.Steps);
            for (var step = 0; step < steps; step++)
            {
                if (step > 0)
                {
                    await RequestLifecycle.DelayAsync(_itlMs, _ct);
                }

                for (var choice = 0; choice < plans.Length; choice++)
                {
                    var plan = plans[choice];
                    if (step >= plan.Steps)
                    {
                        continue;
                    }

                    if (step == 0 && format.HasRoleChunk)
                    {
                        if (await InterruptAsync(sse) is RequestOutcome interrupted)
                        {
                            return interrupted;
                        }

                        format.WriteRoleChunk(sse.BeginEvent(), request, choice, request.ContinuousUsage ? new TokenUsage(promptTokens[choice], 0) : null);
                        if (!await sse.EndEventAsync(_ct))
                        {
                            return RequestOutcome.AbortedByClient;
                        }
                    }

                    if (await InterruptAsync(sse) is RequestOutcome stopped)
                    {
                        return stopped;
                    }

                    if (step == 0 && choice == 0 && _control.MalformedSse is { } malformed
                        && !await WriteMalformedAsync(sse, malformed))
                    {
                        return RequestOutcome.AbortedByClient;
                    }

                    var last = step == plan.Pieces.Length;
                    var text = last ? plan.FinalText : plan.Pieces[step];
                    var generated = last ? plan.CompletionTokens : step + 1;
                    format.WriteDeltaChunk(
                        sse.BeginEvent(),
                        request,
                        choice,
                        text.Span,
                        last ? plan : null,
                        request.ContinuousUsage ? new TokenUsage(promptTokens[choice], generated) : null,
                        plan.ToolCall,
                        firstToolDelta: step == 0);
                    if (!await sse.EndEventAsync(_ct))
                    {
                        return RequestOutcome.AbortedByClient;
                    }

                    Generated(last ? plan.CompletionTokens - step : 1);
                    if (last)
                    {
                        request.Metrics.Finished(plan.FinishReason);
                        finished[choice] = true;
                    }
                }
            }

            if (request.IncludeUsage)
            {
                if (await InterruptAsync(sse) is RequestOutcome interrupted)
                {
                    return interrupted;
                }

                var usage = new TokenUsage(promptTokens.Sum(), plans.Sum(p => p.CompletionTokens));
                format.WriteUsageChunk(sse.BeginEvent(), request, usage);
                if (!await sse.EndEventAsync(_ct))
                {
                    return RequestOutcome.AbortedByClient;
                }
            }

            if (await InterruptAsync(sse) is RequestOutcome beforeDone)
            {
                return beforeDone;
            }

            if (_control.OmitDone)
            {
                return await sse.FlushAsync(_ct) ? RequestOutcome.Completed : RequestOutcome.AbortedByClient;
            }

            return await sse.WriteDoneAsync(_ct) ? RequestOutcome.Completed : RequestOutcome.AbortedByClient;
        }

        /// <summary><c>malformed_sse</c>: one broken event before the first content delta; false when the client is gone.</summary>
        private async ValueTask<bool> WriteMalformedAsync(SseStream sse, string kind)
        {
            switch (kind)
            {
                case "not_json":
                    return await sse.WriteEventAsync("this is not JSON"u8, _ct);
                case "missing_blank_line":
                    sse.OmitNextBlankLine = true;
                    return true;
                default:
                    format.WriteDeltaChunk(sse.BeginEvent(), request, 0, new string('x', _control.OversizedBytes), null, null);
                    return await sse.EndEventAsync(_ct);
            }
        }

        /// <summary>
        /// Applies <c>stall_after_chunks</c> (silence until the client leaves), <c>fail_after_chunks</c> (abort the connection, no [DONE]) and <c>error_after_chunks</c> (vLLM's
        /// mid-stream error event, then [DONE]) once that many events are out. Null: go on.
        /// </summary>
        private async ValueTask<RequestOutcome?> InterruptAsync(SseStream sse)
        {
            if (_control.StallAfterChunks is int stallAfter && sse.EventsWritten >= stallAfter)
            {
                // Everything so far reaches the client; then silence on an open connection until the client leaves.
                await sse.FlushAsync(_ct);
                await Task.Delay(Timeout.Infinite, _ct);
            }

            if (_control.FailAfterChunks is int failAfter && sse.EventsWritten >= failAfter)
            {
                // HttpContext.Abort() would drop chunks still queued in Kestrel's transport. Throwing after the
                // response has started makes Kestrel skip the final chunk and close the connection once everything
                // written so far is sent: the client gets exactly these chunks, then a truncated body.
                await sse.FlushAsync(_ct);
                throw new SimulatedStreamAbortException(failAfter);
            }

            if (_control.ErrorAfterChunks is int errorAfter && sse.EventsWritten >= errorAfter)
            {
                // 2025 releases report every exception inside the generator as BadRequestError/400.
                var error = VllmErrors.BadRequest(_control.FailMessage ?? $"Simulated mid-stream error (vllm_sim.error_after_chunks={errorAfter})");
                await sse.WriteEventAsync(VllmErrors.StreamErrorPayload(state.Options.LegacyErrorEnvelope, error), _ct);
                await sse.WriteDoneAsync(_ct);
                return RequestOutcome.Failed;
            }

            return null;
        }
    }
}
