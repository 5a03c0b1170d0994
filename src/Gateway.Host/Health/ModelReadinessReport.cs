namespace Gateway.Host.Health;

public sealed record ModelReadinessReport(bool Ready, string Reason, DateTimeOffset? CheckedAt);
