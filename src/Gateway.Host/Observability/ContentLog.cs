namespace Gateway.Host.Observability;

/// <summary>
/// Writes the content event of a request whose key or model has <c>logContent</c> on: its prompt and completion
/// text, next to the access line (same request id and trace id, key, model). Its own logger category
/// (<c>Gateway.Host.Observability.ContentLog</c>), so it can be routed or silenced apart; it passes through the same
/// redaction as every event.
/// </summary>
internal sealed partial class ContentLog(ILogger<ContentLog> logger)
{
    public void Write(ContentCapture capture, string? requestId, string? traceId, string? key, string? model, string outcome) =>
        Content(logger, requestId, traceId, key, model, outcome, capture.Prompt, capture.Completion);

    [LoggerMessage(
        EventId = 2,
        Level = LogLevel.Information,
        Message = "content request_id={RequestId} trace_id={TraceId} key={Key} model={Model} outcome={Outcome} prompt={Prompt} completion={Completion}")]
    private static partial void Content(
        ILogger logger, string? requestId, string? traceId, string? key, string? model, string outcome, string? prompt, string completion);
}
