using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Host.Configuration;
using Gateway.Host.Tests.Support;
using Gateway.Simulator;

namespace Gateway.Host.Tests.Integration;

/// <summary>
/// Hot reload of the config file while requests flow: add a model, remove one with streams in flight, rotate a key,
/// push an invalid file. Every reload is observed through <c>/admin/config</c> (its generation and attempt counters).
/// </summary>
public sealed class ConfigReloadTests : IAsyncLifetime
{
    private const string AdminKey = "sk-ops-admin";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "gateway-reload-" + Guid.NewGuid().ToString("N"));
    private SimulatorServer _simulator = null!;
    private RunningGateway _gateway = null!;

    private string ConfigFile => Path.Combine(_directory, "gateway.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _simulator = await SimulatorServer.StartAsync(new SimulatorOptions { Port = 0, Models = ["a", "b", "c"], ItlMs = 1 });
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        await _simulator.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string Config(string[] models, string teamKey, int? rpm = null, string? extra = null)
    {
        var upstream = _simulator.BaseUrl.ToString();
        var modelJson = string.Join(",", models.Select(m => $$"""{ "id": "{{m}}", "upstreams": ["{{upstream}}"] }"""));
        return $$"""
        {
          "upstream": { "probeIntervalSeconds": 0.2, "probeTimeoutSeconds": 1, "requestTimeoutSeconds": 30 },
          "rateLimit": { "requestsPerMinute": {{rpm ?? 100000}} },
          "auth": { "keys": [
            { "name": "ops", "key": "{{AdminKey}}", "admin": true },
            { "name": "team", "key": "{{teamKey}}" } ] },
          {{extra ?? ""}}
          "models": [ {{modelJson}} ]
        }
        """;
    }

    private async Task StartAsync(string config)
    {
        await File.WriteAllTextAsync(ConfigFile, config);
        var environment = new Dictionary<string, string?> { ["GATEWAY_CONFIG_FILE"] = ConfigFile };
        var source = new GatewaySettingsSource(environment, _directory, [$"--Gateway:Server:Port={Loopback.FreePort()}"]);
        _gateway = await RunningGateway.StartFromSourceAsync(source);
    }

    /// <summary>Replaces the file the way editors do: write a temporary file, then rename it over the old one.</summary>
    private async Task ReplaceConfigAsync(string config)
    {
        var temporary = ConfigFile + ".tmp";
        await File.WriteAllTextAsync(temporary, config);
        File.Move(temporary, ConfigFile, overwrite: true);
    }

    private async Task<JsonElement> AdminConfigAsync(string key = AdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/config", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private async Task WaitForReloadAsync(string counter, int value) =>
        await Eventually.TrueAsync(
            async () => (await AdminConfigAsync()).GetProperty("reload").GetProperty(counter).GetInt32() >= value,
            $"reload {counter} reaches {value}");

    private Task<HttpResponseMessage> ChatAsync(string model, string key, bool stream = false, string? sim = null, HttpCompletionOption read = HttpCompletionOption.ResponseContentRead) =>
        _gateway.Client.SendAsync(
            _gateway.Post(
                "/v1/chat/completions",
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"max_tokens":{{(sim is null ? 3 : 100)}},"messages":[{"role":"user","content":"hi"}]{{(sim is null ? "" : "," + sim)}}}""",
                key),
            read);

    [Fact]
    public async Task Models_and_keys_reload_while_requests_flow_and_an_invalid_file_is_rejected_whole()
    {
        await StartAsync(Config(["a", "c"], "sk-team-1"));
        await _gateway.WaitUntilReadyAsync();

        // Requests flow on model "a" with an unchanged key during every reload; none may fail.
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var succeeded = 0;
        var load = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await ChatAsync("a", AdminKey);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })).ToList();
        await Eventually.TrueAsync(() => Volatile.Read(ref succeeded) > 5, "load is flowing");

        // 1. Add model "b": listed (and served) as soon as the reload is visible.
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("b", AdminKey), HttpStatusCode.NotFound, "model_not_found");
        await ReplaceConfigAsync(Config(["a", "b", "c"], "sk-team-1"));
        await WaitForReloadAsync("generation", 1);
        using (var added = await ChatAsync("b", AdminKey))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // 2. Remove model "c" while three streams to it are in flight: they complete; new requests get 404.
        const string Slow = "\"vllm_sim\":{\"output\":\"one two three four five six seven eight nine ten eleven twelve\",\"chunk_chars\":3,\"itl_ms\":60}";
        var streams = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            var response = await ChatAsync("c", AdminKey, stream: true, sim: Slow, read: HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            streams.Add(response);
        }

        await File.WriteAllTextAsync(ConfigFile, Config(["a", "b"], "sk-team-1")); // written in place this time
        await WaitForReloadAsync("generation", 2);
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("c", AdminKey), HttpStatusCode.NotFound, "model_not_found");
        foreach (var response in streams)
        {
            using (response)
            {
                var events = SseReader.Events(await response.Content.ReadAsStringAsync());
                Assert.Equal("[DONE]", events[^1]);
                Assert.DoesNotContain(events, e => e.Contains("\"error\"", StringComparison.Ordinal));
                Assert.Equal("one two three four five six seven eight nine ten eleven twelve", SseReader.Content(events));
            }
        }

        // 3. Rotate team's secret (and change a setting that needs a restart): the old secret stops working at once.
        using (var before = await ChatAsync("a", "sk-team-1"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await ReplaceConfigAsync(Config(["a", "b"], "sk-team-2", extra: """ "server": { "maxRequestBodyBytes": 2000000 }, """));
        await WaitForReloadAsync("generation", 3);
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("a", "sk-team-1"), HttpStatusCode.Unauthorized, "invalid_bearer_token");
        using (var after = await ChatAsync("a", "sk-team-2"))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }

        var view = await AdminConfigAsync();
        Assert.Equal("restart_required", view.GetProperty("reload").GetProperty("last").GetProperty("result").GetString());
        Assert.Contains("Gateway:Server:MaxRequestBodyBytes", view.GetProperty("reload").GetProperty("restartRequired").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(1_048_576, view.GetProperty("config").GetProperty("server").GetProperty("maxRequestBodyBytes").GetInt64()); // still the start-up value
        Assert.DoesNotContain("sk-team-2", view.GetRawText(), StringComparison.Ordinal);
        Assert.All(view.GetProperty("config").GetProperty("auth").GetProperty("keys").EnumerateArray(), k => Assert.Equal("***", k.GetProperty("key").GetString()));

        // 4. An invalid file is rejected as a whole: the models and keys in force stay.
        await ReplaceConfigAsync(Config(["a", "b", "d"], "sk-team-3").Replace("\"id\": \"d\"", "\"id\": \"d\", \"maxInFlight\": 0", StringComparison.Ordinal));
        await WaitForReloadAsync("rejected", 1);
        var rejected = (await AdminConfigAsync()).GetProperty("reload");
        Assert.Equal(3, rejected.GetProperty("generation").GetInt32());
        Assert.Equal("rejected", rejected.GetProperty("last").GetProperty("result").GetString());
        Assert.Contains(rejected.GetProperty("last").GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("MaxInFlight", StringComparison.Ordinal));
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("d", AdminKey), HttpStatusCode.NotFound, "model_not_found");
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("a", "sk-team-3"), HttpStatusCode.Unauthorized, "invalid_bearer_token");
        using (var still = await ChatAsync("b", "sk-team-2"))
        {
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Empty(failures);
        Assert.True(succeeded > 10, $"only {succeeded} requests succeeded under load");
    }

    [Fact]
    public async Task A_kubernetes_configmap_update_through_its_symlink_swap_is_reloaded()
    {
        // The kubelet's layout: gateway.json -> ..data/gateway.json, ..data -> a timestamped directory; an update
        // writes a new directory and renames a new ..data link over the old one (the file itself is never written).
        var first = Path.Combine(_directory, "..2026_12_03_00_00_01.000000001");
        Directory.CreateDirectory(first);
        await File.WriteAllTextAsync(Path.Combine(first, "gateway.json"), Config(["a"], "sk-team-1"));
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), Path.GetFileName(first));
        File.CreateSymbolicLink(ConfigFile, Path.Combine("..data", "gateway.json"));
        var environment = new Dictionary<string, string?> { ["GATEWAY_CONFIG_FILE"] = ConfigFile };
        _gateway = await RunningGateway.StartFromSourceAsync(new GatewaySettingsSource(environment, _directory, [$"--Gateway:Server:Port={Loopback.FreePort()}"]));
        await _gateway.WaitUntilReadyAsync();
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("b", AdminKey), HttpStatusCode.NotFound, "model_not_found");

        var second = Path.Combine(_directory, "..2026_12_03_00_00_02.000000002");
        Directory.CreateDirectory(second);
        await File.WriteAllTextAsync(Path.Combine(second, "gateway.json"), Config(["a", "b"], "sk-team-1"));
        var swap = Path.Combine(_directory, "..data_tmp");
        File.CreateSymbolicLink(swap, Path.GetFileName(second));
        // rename(2) of a link over a link, as the kubelet does (.NET's File.Move follows a link to a directory).
        using (var mv = System.Diagnostics.Process.Start("mv", ["-T", swap, Path.Combine(_directory, "..data")]))
        {
            await mv.WaitForExitAsync();
            Assert.Equal(0, mv.ExitCode);
        }

        Directory.Delete(first, recursive: true);

        await WaitForReloadAsync("generation", 1);
        using var added = await ChatAsync("b", AdminKey);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
    }

    [Fact]
    public async Task A_key_keeps_its_limiter_state_across_a_reload_that_keeps_its_name_and_only_admin_keys_read_the_config()
    {
        await StartAsync(Config(["a"], "sk-team-1", rpm: 2));
        await _gateway.WaitUntilReadyAsync();
        for (var i = 0; i < 2; i++)
        {
            using var ok = await ChatAsync("a", "sk-team-1");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var forbidden = new HttpRequestMessage(HttpMethod.Get, new Uri("/admin/config", UriKind.Relative)))
        {
            forbidden.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-team-1");
            await ErrorAssert.IsOpenAiErrorAsync(await _gateway.Client.SendAsync(forbidden), HttpStatusCode.Forbidden, "admin_key_required");
        }

        await ReplaceConfigAsync(Config(["a"], "sk-team-rotated", rpm: 2));
        await WaitForReloadAsync("generation", 1);

        // Same name "team", new secret: the bucket it emptied is still empty.
        await ErrorAssert.IsOpenAiErrorAsync(await ChatAsync("a", "sk-team-rotated"), HttpStatusCode.TooManyRequests, "rate_limit_exceeded");
        Assert.Equal("ok", (await AdminConfigAsync()).GetProperty("reload").GetProperty("last").GetProperty("result").GetString());

        // Its usage totals carried over too: the two requests before the reload and the refused one after it.
        using var usageRequest = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/usage", UriKind.Relative));
        usageRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-team-rotated");
        using var usage = await _gateway.Client.SendAsync(usageRequest);
        var row = Assert.Single(JsonDocument.Parse(await usage.Content.ReadAsStringAsync()).RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("team", row.GetProperty("key").GetString());
        Assert.Equal(3, row.GetProperty("requests").GetInt64());
        Assert.Equal(2, row.GetProperty("requests_by_outcome").GetProperty("completed").GetInt64());
        Assert.Equal(1, row.GetProperty("requests_by_outcome").GetProperty("rate_limited").GetInt64());
        Assert.True(row.GetProperty("completion_tokens").GetInt64() > 0);
    }
}
