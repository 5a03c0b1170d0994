namespace Gateway.Host.Http;

internal enum AuthOutcome
{
    Ok,
    Missing,
    Invalid,
}
