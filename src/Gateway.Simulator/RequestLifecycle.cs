using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>
/// The steps every generation endpoint shares: bookkeeping in <see cref="SimulatorStats"/>, body reading, the simulated
/// queue (<c>hang_ms</c>) and simulated failures (<c>fail_status</c>), delays, and telling a client abort from an error.
/// </summary>
internal static class RequestLifecycle
{
    /// <summary>Handles one generation request: counts it, reads and parses the JSON body, runs <paramref name="handler"/>.</summary>
    public static async Task HandleAsync(
        HttpContext context, SimulatorState state, Func<HttpContext, SimulatorState, JsonElement, Task<RequestOutcome>> handler)
    {
        state.Stats.OnStarted();
        var outcome = RequestOutcome.Failed;
        try
        {
            outcome = await HandleCoreAsync(context, state, handler);
        }
        catch (SimulatedStreamAbortException)
        {
            // Let Kestrel see it: that is what cuts the connection (see GenerationRunner).
            outcome = RequestOutcome.Failed;
            throw;
        }
        catch (Exception e) when (IsClientGone(e, context))
        {
            outcome = RequestOutcome.AbortedByClient;
        }
        catch (Exception)
        {
            // A simulator bug must still look like vLLM: a 500 in its envelope, never an empty ASP.NET 500.
            outcome = RequestOutcome.Failed;
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await VllmErrors.WriteAsync(
                    context,
                    state.Options,
                    new VllmError(StatusCodes.Status500InternalServerError, VllmErrors.InternalServerError, "Internal simulator error"));
            }
            else
            {
                context.Abort();
            }
        }
        finally
        {
            state.Stats.OnFinished(outcome);
        }
    }

    /// <summary>
    /// The simulated scheduler queue and failure injection, run after validation: waits <c>hang_ms</c> (counted as
    /// waiting; a client disconnect here is an abort), then answers <c>fail_status</c> if set. Returns null when the
    /// request should go on to generation.
    /// </summary>
    public static async ValueTask<RequestOutcome?> QueueAndFailuresAsync(HttpContext context, SimulatorState state, VllmSimControl control, ModelMetrics metrics)
    {
        if (control.ContentType is { } contentType)
        {
            context.Response.OnStarting(() =>
            {
                context.Response.ContentType = contentType;
                return Task.CompletedTask;
            });
        }

        if (control.HangMs > 0)
        {
            metrics.EnterWaiting();
            try
            {
                await Task.Delay(control.HangMs, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                metrics.Finished(FinishReasons.Abort);
                return RequestOutcome.AbortedByClient;
            }
            finally
            {
                metrics.ExitWaiting();
            }
        }

        if (control.ResetBeforeHeaders)
        {
            ConnectionReset.Abort(context);
            return RequestOutcome.Failed;
        }

        if (control.RedirectTo is { } location)
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = location;
            context.Response.ContentLength = 0;
            return RequestOutcome.Failed;
        }

        if (control.FailStatus is not int status)
        {
            return null;
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            await VllmErrors.WriteUnauthorizedAsync(context);
        }
        else if (control.FailBody == "empty")
        {
            context.Response.StatusCode = status;
            context.Response.ContentLength = 0;
        }
        else if (control.FailBody == "text")
        {
            var phrase = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
            await JsonResponses.WriteBytesAsync(
                context, status, "text/plain; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(phrase.Length > 0 ? phrase : "Error"));
        }
        else
        {
            var message = control.FailMessage ?? $"Simulated failure (vllm_sim.fail_status={status})";
            await VllmErrors.WriteAsync(context, state.Options, new VllmError(status, VllmErrors.TypeForStatus(status), message));
        }

        return RequestOutcome.Failed;
    }

    /// <summary><c>Task.Delay</c> honouring the request's abort; zero costs nothing (no timer, no yield).</summary>
    public static Task DelayAsync(long milliseconds, CancellationToken ct) =>
        milliseconds <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(Math.Min(milliseconds, int.MaxValue)), ct);

    /// <summary>True when <paramref name="e"/> means the client disconnected (cancellation, reset, broken body).</summary>
    public static bool IsClientGone(Exception e, HttpContext context) => e switch
    {
        OperationCanceledException => context.RequestAborted.IsCancellationRequested,
        IOException => true, // includes ConnectionResetException and BadHttpRequestException
        _ => false,
    };

    private static async Task<RequestOutcome> HandleCoreAsync(
        HttpContext context, SimulatorState state, Func<HttpContext, SimulatorState, JsonElement, Task<RequestOutcome>> handler)
    {
        if (!JsonRequestReader.HasJsonContentType(context.Request))
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.UnsupportedMediaType);
            return RequestOutcome.Failed;
        }

        using var body = await JsonRequestReader.ReadAsync(context.Request.BodyReader, context.RequestAborted);
        if (body is null)
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.InvalidJson);
            return RequestOutcome.Failed;
        }

        if (body.Root.ValueKind != JsonValueKind.Object)
        {
            await VllmErrors.WriteAsync(context, state.Options, VllmErrors.BodyNotObject);
            return RequestOutcome.Failed;
        }

        return await handler(context, state, body.Root);
    }
}
