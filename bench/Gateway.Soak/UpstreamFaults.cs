namespace Gateway.Soak;

/// <summary>A simulator fault (<c>vllm_sim</c>) and the client answers the gateway may give for it.</summary>
/// <param name="Slow">Ends only by the gateway's total timeout: run by one dedicated worker, so hangs don't take the others' time.</param>
internal sealed record UpstreamFault(string Name, bool Stream, string Sim, IReadOnlySet<string> Expected, bool Slow = false);

/// <summary>The fault mix, sent to the fault model; README's "Upstream faults" table documents the answers.</summary>
internal static class UpstreamFaults
{
    private const string InBandError = "200 stream, 1 error event(s), one [DONE]";

    public static IReadOnlyList<UpstreamFault> All { get; } =
    [
        new("500 JSON body", false, """{"fail_status":500}""", Set("502 upstream_unavailable")),
        new("500 text body, streamed", true, """{"fail_status":500,"fail_body":"text"}""", Set("502 upstream_unavailable")),
        new("503 empty body", false, """{"fail_status":503,"fail_body":"empty"}""", Set("503 upstream_unavailable")),
        new("reset before headers, streamed", true, """{"reset_before_headers":true}""", Set("502 upstream_unavailable")),
        new("reset before headers", false, """{"reset_before_headers":true}""", Set("502 upstream_unavailable")),
        new("dropped mid-stream", true, """{"fail_after_chunks":3}""", Set(InBandError)),
        new("dropped before answering", false, """{"fail_after_chunks":0}""", Set("502 upstream_unavailable")),
        new("vLLM error event", true, """{"error_after_chunks":2}""", Set(InBandError)),
        new("not-JSON event", true, """{"malformed_sse":"not_json"}""", Set(InBandError)),
        new("missing blank line", true, """{"malformed_sse":"missing_blank_line"}""", Set(InBandError)),
        new("oversized event", true, """{"malformed_sse":"oversized_event","oversized_bytes":5000000}""", Set(InBandError)),
        new("no [DONE]", true, """{"omit_done":true}""", Set(InBandError)),
        new("JSON answer to a stream", true, """{"content_type":"application/json"}""", Set("502 upstream_unavailable")),
        new("redirect to metadata", false, """{"redirect_to":"http://169.254.169.254/latest/meta-data/"}""", Set("502 upstream_unavailable")),
        new("stall mid-stream", true, """{"stall_after_chunks":3}""", Set(InBandError), Slow: true),
        new("hang before headers", false, """{"hang_ms":60000}""", Set("504 upstream_timeout"), Slow: true),
    ];

    public static IReadOnlyList<UpstreamFault> Quick { get; } = All.Where(f => !f.Slow).ToList();

    public static IReadOnlyList<UpstreamFault> Slow { get; } = All.Where(f => f.Slow).ToList();

    private static HashSet<string> Set(params string[] answers) => new(answers, StringComparer.Ordinal);
}
