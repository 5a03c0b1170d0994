namespace Gateway.Host.Http;

public enum AuthOutcome
{
    Ok,
    Missing,
    Invalid,
}
