namespace Gateway.Host.Reload;

/// <summary>One reload attempt.</summary>
/// <param name="At">When it finished.</param>
/// <param name="Trigger"><c>file</c> (the config file changed) or <c>signal</c> (SIGHUP).</param>
/// <param name="Outcome"><c>ok</c>, <c>restart_required</c> (applied, but some changed settings only apply after a restart) or <c>rejected</c>.</param>
/// <param name="Errors">Why it was rejected, one line per problem.</param>
/// <param name="RestartRequired">Changed settings that a reload does not apply, by key.</param>
internal sealed record ReloadAttempt(DateTimeOffset At, string Trigger, string Outcome, IReadOnlyList<string> Errors, IReadOnlyList<string> RestartRequired)
{
    public const string Ok = "ok";
    public const string RestartRequiredResult = "restart_required";
    public const string RejectedResult = "rejected";
}
