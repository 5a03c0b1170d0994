using Gateway.Host.Configuration;
using Gateway.Host.Reload;

namespace Gateway.Host.Tests.Reload;

public class LiveSettingsTests
{
    private static LoadedSettings Next(Dictionary<string, string?> values) => new(new GatewaySettings(), values);

    [Fact]
    public void Changed_models_keys_and_breaker_apply_live_and_everything_else_needs_a_restart()
    {
        var running = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Gateway:Server:Port"] = "8000",
            ["Gateway:Models:0:Id"] = "a",
            ["Gateway:Auth:Keys:0:Key"] = "sk-1",
            ["Gateway:Upstream:ProbeIntervalSeconds"] = "5",
        };
        var next = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Gateway:server:port"] = "9000",
            ["Gateway:Models:0:Id"] = "b",
            ["Gateway:Auth:Keys:0:Key"] = "sk-2",
            ["Gateway:CircuitBreaker:FailureThreshold"] = "2",
            ["Gateway:Upstream:ProbeIntervalSeconds"] = "5",
            ["Gateway:RateLimit:RequestsPerMinute"] = "10",
        };

        var restart = LiveSettings.RestartRequired(running, Next(next));

        Assert.Equal(["Gateway:RateLimit:RequestsPerMinute", "Gateway:Server:Port"], restart);
    }

    [Fact]
    public void Nothing_needs_a_restart_when_only_live_settings_changed()
    {
        var running = new Dictionary<string, string?> { ["Gateway:Models:0:Id"] = "a", ["Gateway:DefaultModelId"] = "a" };
        var next = new Dictionary<string, string?> { ["Gateway:Models:0:Id"] = "b", ["Gateway:DefaultModelId"] = "b" };

        Assert.Empty(LiveSettings.RestartRequired(running, Next(next)));
    }

    [Fact]
    public void The_settings_view_masks_secrets_and_url_credentials_and_shows_live_sections_from_the_reload()
    {
        var startup = new GatewaySettings { Server = new ServerSettings { Port = 8000 } };
        var live = new GatewaySettings
        {
            Server = new ServerSettings { Port = 9000 },
            Auth = new AuthSettings { BearerToken = "tok-secret", Keys = [new ApiKeySettings { Name = "ops", Key = "sk-secret", Admin = true }] },
            Models = [new ModelSettings { Id = "m", Upstreams = ["http://user:pw@vllm.test:8000"] }],
        };

        var view = SettingsView.Render(startup, live);
        var json = view.ToJsonString();

        Assert.Equal(8000, (int)view["server"]!["port"]!);                   // restart-required part: start-up value
        Assert.Equal("m", (string)view["models"]![0]!["id"]!);                 // live part: reloaded value
        Assert.Equal(SettingsView.Mask, (string)view["auth"]!["bearerToken"]!);
        Assert.Equal(SettingsView.Mask, (string)view["auth"]!["keys"]![0]!["key"]!);
        Assert.True((bool)view["auth"]!["keys"]![0]!["admin"]!);
        Assert.Equal("http://***@vllm.test:8000", (string)view["models"]![0]!["upstreams"]![0]!);
        Assert.DoesNotContain("secret", json, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", json, StringComparison.Ordinal);
    }
}
