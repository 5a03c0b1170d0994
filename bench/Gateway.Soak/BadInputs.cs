namespace Gateway.Soak;

/// <summary>A client mistake and the gateway's own answer to it (never reaches the simulator).</summary>
internal sealed record BadInput(string Name, string Body, int Status, string Code, string ContentType = "application/json", bool Unauthenticated = false, string? Key = null);

internal static class BadInputs
{
    private const string Model = SoakEnvironment.CleanModel;

    public static IReadOnlyList<BadInput> All { get; } =
    [
        new("not JSON", "{\"model\":", 400, "invalid_json"),
        new("temperature \"hot\"", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"x"}],"temperature":"hot"}""", 400, "invalid_type"),
        new("n 100000", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"x"}],"n":100000}""", 400, "integer_above_max_value"),
        new("role wizard", $$"""{"model":"{{Model}}","messages":[{"role":"wizard","content":"x"}]}""", 400, "invalid_value"),
        new("lone surrogate", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"\ud83d"}]}""", 400, "invalid_unicode_escape"),
        new("text/plain body", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"x"}]}""", 415, "unsupported_media_type", ContentType: "text/plain"),
        new("unknown model", """{"model":"no-such-model","messages":[{"role":"user","content":"x"}]}""", 404, "model_not_found"),
        new("no key", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"x"}]}""", 401, "missing_bearer_token", Unauthenticated: true),
        new("wrong key", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"x"}]}""", 401, "invalid_bearer_token", Key: "sk-not-a-key"),
        new("body over the cap", $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"{{new string('x', SoakEnvironment.MaxRequestBodyBytes)}}"}]}""", 413, "payload_too_large"),
    ];
}
