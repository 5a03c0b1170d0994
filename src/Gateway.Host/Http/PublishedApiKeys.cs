namespace Gateway.Host.Http;

/// <summary>
/// The key set in force: one immutable <see cref="ApiKeyAuthenticator"/> behind a volatile reference, swapped whole
/// by a config reload. A request authenticates against the set it read; the next request sees the new one.
/// </summary>
internal sealed class PublishedApiKeys(ApiKeyAuthenticator initial)
{
    private volatile ApiKeyAuthenticator _current = initial;

    public ApiKeyAuthenticator Current => _current;

    public void Publish(ApiKeyAuthenticator keys) => _current = keys;
}
