namespace Gateway.Host.Tests.Integration.Faults;

/// <summary>The rows of README's "Upstream faults" table; each runs against one shared gateway and simulator.</summary>
public static class UpstreamFaultRows
{
    public static IReadOnlyList<UpstreamFaultRow> All { get; } =
    [
        new("connection refused", false, "{}", 502, "upstream_unavailable", Model: UpstreamFaultFixture.DownModel, MessageContains: "ConnectionError"),
        new("connection refused, streamed", true, "{}", 502, "upstream_unavailable", Model: UpstreamFaultFixture.DownModel),
        new("reset before headers", false, """{"reset_before_headers":true}""", 502, "upstream_unavailable"),
        new("reset before headers, streamed", true, """{"reset_before_headers":true}""", 502, "upstream_unavailable"),
        new("500 with a JSON body", false, """{"fail_status":500}""", 502, "upstream_unavailable", MessageContains: "500"),
        new("500 with a text body, streamed", true, """{"fail_status":500,"fail_body":"text"}""", 502, "upstream_unavailable"),
        new("500 with no body", false, """{"fail_status":500,"fail_body":"empty"}""", 502, "upstream_unavailable"),
        new("503 with a JSON body", false, """{"fail_status":503}""", 503, "upstream_unavailable"),
        new("503 with no body, streamed", true, """{"fail_status":503,"fail_body":"empty"}""", 503, "upstream_unavailable"),
        new("hang before headers", false, """{"hang_ms":30000}""", 504, "upstream_timeout", UpstreamAborted: true),
        new("hang before headers, streamed", true, """{"hang_ms":30000}""", 504, "upstream_timeout", UpstreamAborted: true),
        new("hang mid-stream", true, """{"stall_after_chunks":3}""", 200, "upstream_timeout", InBand: true, UpstreamAborted: true),
        new("never answers a plain request", false, """{"stall_after_chunks":0}""", 504, "upstream_timeout", UpstreamAborted: true),
        new("connection dropped mid-stream", true, """{"fail_after_chunks":3}""", 200, "upstream_unavailable", InBand: true, MessageContains: "failed while streaming"),
        new("vLLM's own error event, relayed", true, """{"error_after_chunks":2}""", 200, "400", InBand: true, MessageContains: "Simulated mid-stream error"),
        new("connection dropped instead of a plain answer", false, """{"fail_after_chunks":0}""", 502, "upstream_unavailable"),
        new("an event that is not JSON", true, """{"malformed_sse":"not_json"}""", 200, "upstream_unavailable", InBand: true, MessageContains: "not a JSON object"),
        new("a missing blank line between events", true, """{"malformed_sse":"missing_blank_line"}""", 200, "upstream_unavailable", InBand: true, MessageContains: "several data lines"),
        new("an event over the 4 MiB cap", true, """{"malformed_sse":"oversized_event","oversized_bytes":4200000}""", 200, "upstream_unavailable", InBand: true, MessageContains: "larger than 4194304 bytes"),
        new("a stream without [DONE]", true, """{"omit_done":true}""", 200, "upstream_unavailable", InBand: true, MessageContains: "closed the stream"),
        new("a JSON answer to a streaming request", true, """{"content_type":"application/json"}""", 502, "upstream_unavailable", MessageContains: "text/event-stream"),
        new("a plain body over the response cap", false, """{"output":"OUTPUT_OVER_CAP"}""", 502, "upstream_unavailable", MessageContains: "exceeds 16384 bytes"),
    ];

    public static TheoryData<string> Names { get; } = new(All.Select(r => r.Name));

    public static UpstreamFaultRow Get(string name) => All.Single(r => r.Name == name);
}
