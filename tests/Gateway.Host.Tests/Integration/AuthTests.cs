using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;

namespace Gateway.Host.Tests.Integration;

public sealed class AuthTests : IAsyncLifetime
{
    private const string Chat = """{"model":"test-model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}""";
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(s =>
        {
            s.Auth.BearerToken = "legacy-token";
            s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-team-a", Name = "team-a" });
            s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-team-b", Name = "team-b", AllowedModels = ["other-model"] });
            s.Auth.Keys.Add(new ApiKeySettings { KeySha256 = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("sk-hashed"))).ToLowerInvariant(), Name = "hashed" });
            s.Auth.Keys.Add(new ApiKeySettings { Key = "sk-retired", Name = "retired", Enabled = false });
        });
        await _gateway.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_request_without_a_bearer_token_is_401_missing_bearer_token()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.Unauthorized, "missing_bearer_token");
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("sk-team-ax")]
    [InlineData("sk-team-")]
    [InlineData("legacy-tokenX")]
    public async Task A_wrong_token_is_401_invalid_bearer_token(string token)
    {
        using var request = _gateway.Post("/v1/chat/completions", Chat);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var response = await _gateway.Client.SendAsync(request);
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_bearer_token");
    }

    [Theory]
    [InlineData("legacy-token")]
    [InlineData("sk-team-a")]
    [InlineData("sk-hashed")] // configured only as its SHA-256 digest
    public async Task Every_configured_key_is_accepted(string token)
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat, token));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_disabled_key_is_401_key_disabled()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat, "sk-retired"));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.Unauthorized, "key_disabled");
    }

    [Fact]
    public async Task A_key_limited_to_other_models_is_refused_this_one()
    {
        using var response = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat, "sk-team-b"));
        await ErrorAssert.IsOpenAiErrorAsync(response, HttpStatusCode.Forbidden, "model_not_allowed");
    }

    [Theory]
    [InlineData("sk-team-a", "The model `gpt-9` does not exist. Models you may use: `test-model`.")]
    [InlineData("sk-team-b", "The model `gpt-9` does not exist. This API key may not use any model.")]
    public async Task An_unknown_model_names_only_the_models_the_key_may_use(string token, string message)
    {
        using var chat = await _gateway.Client.SendAsync(_gateway.Post("/v1/chat/completions", Chat.Replace("test-model", "gpt-9", StringComparison.Ordinal), token));
        var error = await ErrorAssert.IsOpenAiErrorAsync(chat, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal(message, error.GetProperty("message").GetString());

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models/gpt-9", UriKind.Relative));
        get.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var one = await _gateway.Client.SendAsync(get);
        error = await ErrorAssert.IsOpenAiErrorAsync(one, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Probes_need_no_token()
    {
        using var health = await _gateway.Client.GetAsync(new Uri("/health", UriKind.Relative));
        using var ready = await _gateway.Client.GetAsync(new Uri("/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\":\"healthy\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"status\":\"ready\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
