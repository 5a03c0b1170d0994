namespace Gateway.Host.Reload;

/// <summary>
/// The outcome of config reloads so far, published whole after each attempt (read by <c>/admin/config</c> and tests).
/// </summary>
/// <param name="Enabled">Whether the gateway reloads at all (false when it was not started from configuration sources).</param>
/// <param name="ConfigFile">The file watched for changes, if any.</param>
/// <param name="Generation">Configurations applied since start-up (0 = the start-up one).</param>
/// <param name="Attempts">Reloads attempted.</param>
/// <param name="Rejected">Attempts rejected as invalid (the configuration in force stayed).</param>
/// <param name="Last">The last attempt, or null before the first.</param>
/// <param name="RestartRequired">Settings changed by the configuration in force that still run with their start-up values.</param>
internal sealed record ConfigReloadStatus(
    bool Enabled, string? ConfigFile, int Generation, int Attempts, int Rejected, ReloadAttempt? Last, IReadOnlyList<string> RestartRequired)
{
    public static ConfigReloadStatus Disabled { get; } = new(false, null, 0, 0, 0, null, []);
}
