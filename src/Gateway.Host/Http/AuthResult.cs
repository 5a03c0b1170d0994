namespace Gateway.Host.Http;

internal sealed record AuthResult(AuthOutcome Outcome, ApiKeyIdentity? Identity)
{
    public static AuthResult Missing { get; } = new(AuthOutcome.Missing, null);

    public static AuthResult Invalid { get; } = new(AuthOutcome.Invalid, null);
}
