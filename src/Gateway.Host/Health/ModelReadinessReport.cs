namespace Gateway.Host.Health;

internal sealed record ModelReadinessReport(bool Ready, string Reason, DateTimeOffset? CheckedAt);
