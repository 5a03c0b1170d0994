using Gateway.Host.Http;
using Gateway.Streams.Accounting;
using Gateway.Streams.Proxy;
using Gateway.Streams.Relay;
using Gateway.Streams.Upstream;

namespace Gateway.Host.Endpoints;

/// <summary>
/// What a relayed request is charged and how its ending is counted. vLLM's usage (the plain body's, or the
/// stream's usage chunk) when it came; for a stream cut short before its usage chunk, the prompt estimate plus the
/// generated deltas the gateway received. The charge settles the key's token reservation and fair-queue service
/// (through the request's release) and goes into the <see cref="UsageLedger"/>.
/// </summary>
internal static class UsageRecording
{
    /// <summary>
    /// Called when the relay ended and the upstream response is closed, before the request is released: fixes what
    /// the key is charged. A stream cut short before its usage chunk asks the replica's <c>/tokenize</c> for the
    /// prompt (the estimate if that fails) and counts the deltas received as the completion.
    /// </summary>
    public static async Task SettleAsync(HttpContext context, ProxyRequest request, PromptTokenCounter counter)
    {
        var facts = GatewayRequestFeature.Of(context);
        var charged = facts.Usage;
        if (charged is null && request.Stream)
        {
            var prompt = request.Endpoint is { } endpoint ? await counter.CountAsync(endpoint, request.UpstreamBody) : null;
            charged = new TokenUsage(prompt ?? request.PromptTokenEstimate, facts.DeltasRelayed);
        }

        facts.ChargedUsage = charged;
        request.PromptTokensUsed = charged?.PromptTokens;
        request.CompletionTokensUsed = charged?.CompletionTokens;
    }

    /// <summary>Counts the request in the ledger once the handler is done with it.</summary>
    public static void Record(UsageLedger ledger, HttpContext context, ProxyRequest request)
    {
        var facts = GatewayRequestFeature.Of(context);
        var usage = facts.ChargedUsage;
        ledger.Record(request.RateLimitKey, request.ModelId, Outcome(context, facts), usage?.PromptTokens ?? 0, usage?.CompletionTokens ?? 0);
    }

    private static UsageOutcome Outcome(HttpContext context, GatewayRequestFeature facts) => facts.Relay switch
    {
        RelayResult.Completed => UsageOutcome.Completed,
        RelayResult.ClientAborted => UsageOutcome.ClientAborted,
        RelayResult.GatewayStopped => UsageOutcome.GatewayStopped,
        RelayResult.UpstreamTruncated or RelayResult.UpstreamTimedOut or RelayResult.UpstreamFailed
            or RelayResult.UpstreamIdleTimedOut or RelayResult.UpstreamTtftTimedOut => UsageOutcome.UpstreamError,
        _ when context.RequestAborted.IsCancellationRequested => UsageOutcome.ClientAborted,
        _ when facts.ErrorCode is { } code && IsUpstreamFailure(code) => UsageOutcome.UpstreamError,
        _ when facts.ErrorCode is "rate_limit_exceeded" => UsageOutcome.RateLimited,
        _ when facts.ErrorCode is not null => UsageOutcome.Rejected,
        _ => UsageOutcome.Completed,
    };

    /// <summary>The upstream failed or timed out (a queue timeout is the gateway's own shedding, counted as rejected).</summary>
    private static bool IsUpstreamFailure(string code) =>
        code is "upstream_unavailable" or "upstream_timeout" or "upstream_connect_timeout" or "upstream_ttft_timeout" or "upstream_idle_timeout";
}
