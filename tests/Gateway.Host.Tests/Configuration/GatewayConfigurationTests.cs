using Gateway.Host.Configuration;
using Microsoft.Extensions.Logging;
using Serilog.Events;
using static Gateway.Host.Tests.Configuration.ConfigurationTestEnvironment;

namespace Gateway.Host.Tests.Configuration;

public sealed class GatewayConfigurationTests : IDisposable
{
    private readonly ConfigurationTestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void An_empty_environment_gives_the_python_defaults_in_simulated_mode_on_loopback_with_auth_disabled()
    {
        var settings = _env.Bind();

        Assert.Equal("127.0.0.1", settings.Server.Host);
        Assert.Equal(8000, settings.Server.Port);
        Assert.Equal(1_048_576, settings.Server.MaxRequestBodyBytes);
        Assert.Equal(30, settings.Server.DrainTimeoutSeconds);
        Assert.Null(settings.Auth.BearerToken);
        Assert.Empty(settings.Auth.Keys);
        Assert.Equal(60, settings.RateLimit.RequestsPerMinute);
        Assert.Equal(10_000, settings.RateLimit.MaxKeys);
        Assert.Equal(3600, settings.RateLimit.IdleEvictSeconds);
        Assert.True(settings.CircuitBreaker.Enabled);
        Assert.Equal(5, settings.CircuitBreaker.FailureThreshold);
        Assert.Equal(30, settings.CircuitBreaker.CooldownSeconds);
        Assert.Equal(600, settings.Upstream.RequestTimeoutSeconds);
        Assert.Equal(5, settings.Upstream.ProbeIntervalSeconds);
        Assert.Equal(2, settings.Upstream.ProbeTimeoutSeconds);
        Assert.Equal("INFO", settings.LogLevel);
        Assert.Equal(LogLevel.Information, settings.MinimumLogLevel);
        Assert.Equal("selfhost-qwen", settings.DefaultModelId);

        Assert.True(settings.Simulated);
        Assert.True(settings.AuthDisabled);
        Assert.True(settings.Server.IsLoopback);
        var model = Assert.Single(settings.Models);
        Assert.Equal("selfhost-qwen", model.Id);
        Assert.Equal("selfhost-qwen", model.UpstreamModel);
        Assert.Empty(model.Upstreams);
        Assert.Equal("hermes", model.ToolCallParser); // the embedded simulated model's default
        Assert.Equal(64, model.MaxInFlight);
        Assert.Equal(256, model.MaxQueue);
        Assert.Equal(8192, model.MaxModelLen);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void Every_legacy_environment_variable_maps_onto_its_gateway_key()
    {
        var settings = _env.Bind(Env(
            ("SERVER_HOST", "0.0.0.0"),
            ("SERVER_PORT", "9100"),
            ("VLLM_UPSTREAM_URL", "http://vllm:8000"),
            ("VLLM_REQUEST_TIMEOUT_S", "12.5"),
            ("DEFAULT_MODEL_ID", "my-model"),
            ("BEARER_TOKEN", "s3cret"),
            ("RATE_LIMIT_RPM", "120"),
            ("RATE_LIMIT_MAX_KEYS", "50"),
            ("RATE_LIMIT_IDLE_EVICT_S", "90.5"),
            ("MAX_REQUEST_BODY_BYTES", "2048"),
            ("CIRCUIT_BREAKER_ENABLED", "false"),
            ("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "7"),
            ("CIRCUIT_BREAKER_COOLDOWN_S", "4.25"),
            ("LOG_LEVEL", "debug"),
            ("TOOL_CALL_PARSER", "hermes")));

        Assert.Equal("0.0.0.0", settings.Server.Host);
        Assert.Equal(9100, settings.Server.Port);
        Assert.Equal(12.5, settings.Upstream.RequestTimeoutSeconds);
        Assert.Equal("my-model", settings.DefaultModelId);
        Assert.Equal("s3cret", settings.Auth.BearerToken);
        Assert.Equal(120, settings.RateLimit.RequestsPerMinute);
        Assert.Equal(50, settings.RateLimit.MaxKeys);
        Assert.Equal(90.5, settings.RateLimit.IdleEvictSeconds);
        Assert.Equal(2048, settings.Server.MaxRequestBodyBytes);
        Assert.False(settings.CircuitBreaker.Enabled);
        Assert.Equal(7, settings.CircuitBreaker.FailureThreshold);
        Assert.Equal(4.25, settings.CircuitBreaker.CooldownSeconds);
        Assert.Equal("debug", settings.LogLevel);
        Assert.Equal(LogLevel.Debug, settings.MinimumLogLevel);

        var model = Assert.Single(settings.Models);
        Assert.Equal("my-model", model.Id);
        Assert.Equal("my-model", model.UpstreamModel);
        Assert.Equal(["http://vllm:8000"], model.Upstreams);
        Assert.Equal("hermes", model.ToolCallParser);
        Assert.False(settings.Simulated);
        Assert.False(settings.AuthDisabled);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void Legacy_variable_names_are_case_insensitive()
    {
        var settings = _env.Bind(Env(
            ("server_port", "8123"),
            ("Rate_Limit_Rpm", "5"),
            ("vllm_upstream_url", "http://10.0.0.5:8000"),
            ("bearer_token", "t")));

        Assert.Equal(8123, settings.Server.Port);
        Assert.Equal(5, settings.RateLimit.RequestsPerMinute);
        Assert.Equal(["http://10.0.0.5:8000"], Assert.Single(settings.Models).Upstreams);
        Assert.Equal("t", settings.Auth.BearerToken);
    }

    [Fact]
    public void The_upper_case_spelling_wins_when_a_variable_is_set_under_two_spellings()
    {
        var settings = _env.Bind(Env(("SERVER_PORT", "8001"), ("server_port", "8002")));

        Assert.Equal(8001, settings.Server.Port);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("On", true)]
    [InlineData("t", true)]
    [InlineData("y", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("OFF", false)]
    [InlineData("f", false)]
    [InlineData("n", false)]
    [InlineData(" off ", false)]
    public void Circuit_breaker_enabled_accepts_pydantic_booleans(string value, bool expected)
    {
        var settings = _env.Bind(Env(("CIRCUIT_BREAKER_ENABLED", value)));

        Assert.Equal(expected, settings.CircuitBreaker.Enabled);
    }

    [Fact]
    public void An_unparseable_legacy_boolean_is_a_one_line_error_naming_the_variable()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("CIRCUIT_BREAKER_ENABLED", "maybe"))));

        var problem = Assert.Single(ex.Problems);
        Assert.Equal(
            "CIRCUIT_BREAKER_ENABLED (Gateway:CircuitBreaker:Enabled) must be a boolean (true/false, 1/0, yes/no, on/off), got 'maybe'.",
            problem);
    }

    [Fact]
    public void A_non_numeric_port_is_a_one_line_error_naming_SERVER_PORT_not_a_stack_trace()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("SERVER_PORT", "abc"))));

        Assert.Equal("SERVER_PORT (Gateway:Server:Port) must be a whole number, got 'abc'.", Assert.Single(ex.Problems));
        Assert.Equal(ex.Problems[0], ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Every_unconvertible_value_is_reported_at_once()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(
            ("SERVER_PORT", "80.5"),
            ("VLLM_REQUEST_TIMEOUT_S", "ten"),
            ("Gateway__Models__0__MaxInFlight", "lots"),
            ("Gateway__Models__0__Id", "m"))));

        Assert.Equal(
            [
                "SERVER_PORT (Gateway:Server:Port) must be a whole number, got '80.5'.",
                "VLLM_REQUEST_TIMEOUT_S (Gateway:Upstream:RequestTimeoutSeconds) must be a number, got 'ten'.",
                "Gateway:Models:0:MaxInFlight must be a whole number, got 'lots'.",
            ],
            ex.Problems);
    }

    [Fact]
    public void A_bad_value_from_a_gateway_variable_names_only_the_gateway_key()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("Gateway__Server__Port", "x"))));

        Assert.Equal("Gateway:Server:Port must be a whole number, got 'x'.", Assert.Single(ex.Problems));
    }

    [Fact]
    public void Empty_legacy_values_count_as_unset()
    {
        var settings = _env.Bind(Env(("SERVER_PORT", ""), ("BEARER_TOKEN", ""), ("VLLM_UPSTREAM_URL", " ")));

        Assert.Equal(8000, settings.Server.Port);
        Assert.True(settings.AuthDisabled);
        Assert.True(settings.Simulated);
    }

    [Fact]
    public void A_dot_env_file_in_the_working_directory_is_read_and_real_environment_variables_override_it()
    {
        _env.WriteFile(".env", """
            # deploy/.env
            BEARER_TOKEN=replace-me-with-openssl-rand-hex-32
            HF_TOKEN=
            LOG_LEVEL=WARNING
            RATE_LIMIT_RPM=60
            export SERVER_PORT="8200"
            CIRCUIT_BREAKER_ENABLED='off'
            vllm_upstream_url=http://vllm:8000   # the compose service
            """);

        var settings = _env.Bind(Env(("RATE_LIMIT_RPM", "99")));

        Assert.Equal("replace-me-with-openssl-rand-hex-32", settings.Auth.BearerToken);
        Assert.Equal("WARNING", settings.LogLevel);
        Assert.Equal(99, settings.RateLimit.RequestsPerMinute);
        Assert.Equal(8200, settings.Server.Port);
        Assert.False(settings.CircuitBreaker.Enabled);
        Assert.Equal(["http://vllm:8000"], Assert.Single(settings.Models).Upstreams);
    }

    [Fact]
    public void A_bad_value_from_the_dot_env_file_names_the_legacy_variable()
    {
        _env.WriteFile(".env", "SERVER_PORT=70000\n");

        var problems = _env.Problems(Env());

        Assert.Equal(["SERVER_PORT (Gateway:Server:Port) must be between 1 and 65535, got 70000."], problems);
    }

    [Fact]
    public void The_config_file_defines_two_models_and_two_keys()
    {
        var path = _env.WriteFile("gateway.json", """
            {
              // comments are allowed, as in appsettings.json
              "server": { "host": "0.0.0.0", "port": 8080 },
              "auth": {
                "keys": [
                  { "key": "sk-alpha", "name": "alpha" },
                  { "key": "sk-beta", "allowedModels": ["coder"] }
                ]
              },
              "models": [
                {
                  "id": "chat",
                  "upstreamModel": "Qwen/Qwen2.5-7B-Instruct-AWQ",
                  "upstreams": ["http://10.0.0.5:8000/v1", "http://10.0.0.6:8000/"],
                  "toolCallParser": "Hermes",
                  "upstreamParsesTools": true,
                  "maxInFlight": 8,
                  "maxQueue": 0,
                  "maxModelLen": 32768
                },
                { "id": "coder", "upstreams": ["http://coder.internal:8000"], "toolCallParser": "qwen3_coder" },
              ],
            }
            """);

        var settings = _env.Bind(Env(("GATEWAY_CONFIG_FILE", path)));

        Assert.Equal("0.0.0.0", settings.Server.Host);
        Assert.Equal(8080, settings.Server.Port);
        Assert.Equal(2, settings.Models.Count);
        var chat = settings.Models[0];
        Assert.Equal("chat", chat.Id);
        Assert.Equal("Qwen/Qwen2.5-7B-Instruct-AWQ", chat.UpstreamModel);
        Assert.Equal(["http://10.0.0.5:8000", "http://10.0.0.6:8000"], chat.Upstreams);
        Assert.Equal("hermes", chat.ToolCallParser);
        Assert.True(chat.UpstreamParsesTools);
        Assert.Equal(8, chat.MaxInFlight);
        Assert.Equal(0, chat.MaxQueue);
        Assert.Equal(32768, chat.MaxModelLen);
        var coder = settings.Models[1];
        Assert.Equal("coder", coder.Id);
        Assert.Equal("coder", coder.UpstreamModel);
        Assert.Equal("qwen3_coder", coder.ToolCallParser);
        Assert.Equal(64, coder.MaxInFlight);

        Assert.Equal(2, settings.Auth.Keys.Count);
        Assert.Equal(("sk-alpha", "alpha"), (settings.Auth.Keys[0].Key, settings.Auth.Keys[0].Name));
        Assert.Empty(settings.Auth.Keys[0].AllowedModels);
        Assert.Equal(("sk-beta", "key-2"), (settings.Auth.Keys[1].Key, settings.Auth.Keys[1].Name));
        Assert.Equal(["coder"], settings.Auth.Keys[1].AllowedModels);

        Assert.Equal("chat", settings.DefaultModelId);
        Assert.False(settings.Simulated);
        Assert.False(settings.AuthDisabled);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void A_model_may_override_each_phase_timeout_and_the_rest_keep_the_gateway_defaults()
    {
        var path = _env.WriteFile("timeouts.json", """
            {
              "upstream": { "ttftTimeoutSeconds": 30, "requestTimeoutSeconds": 120 },
              "models": [
                { "id": "slow", "upstreams": ["http://10.0.0.5:8000"],
                  "connectTimeoutSeconds": 2, "queueTimeoutSeconds": 5, "ttftTimeoutSeconds": 900, "idleTimeoutSeconds": 60, "requestTimeoutSeconds": 1800 },
                { "id": "plain", "upstreams": ["http://10.0.0.6:8000"] }
              ]
            }
            """);

        var settings = _env.Bind(Env(("GATEWAY_CONFIG_FILE", path)));
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
        var routes = Gateway.Host.Hosting.GatewayRuntime.BuildRoutes(settings, TimeProvider.System);

        var slow = routes[0].Timeouts;
        Assert.Equal(
            (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1800)),
            (slow.Connect, slow.Queue, slow.Ttft, slow.Idle, slow.Total));
        Assert.Equal(Gateway.Streams.Proxy.PhaseTimeouts.Defaults, routes[1].Timeouts); // falls back to Gateway:Upstream
        Assert.Equal(30, settings.Upstream.TtftTimeoutSeconds);

        using var runtime = new Gateway.Host.Hosting.GatewayRuntime(settings, TimeProvider.System);
        Assert.Equal(TimeSpan.FromSeconds(900), runtime.StreamTimeoutsFor(slow).FirstEvent);
        Assert.Equal(TimeSpan.FromSeconds(60), runtime.StreamTimeoutsFor(slow).BetweenEvents);
        Assert.Equal(TimeSpan.FromSeconds(30), runtime.StreamTimeoutsFor(routes[1].Timeouts).FirstEvent);
        Assert.Equal(TimeSpan.FromSeconds(5), runtime.QueueTimeoutFor(slow));
        Assert.Equal(TimeSpan.FromSeconds(60), runtime.QueueTimeoutFor(routes[1].Timeouts));
        Assert.Equal(TimeSpan.FromSeconds(1805), runtime.RouterDependencies.DrainTimeout); // the longest request bounds a drain
    }

    [Theory]
    [InlineData("""{ "auth": { "keys": [ { "name": "a", "key": "sk-a" }, { "name": "b", "key": "sk-b" } ] }, """, 128)]
    [InlineData("""{ "auth": { "keys": [ { "name": "a", "key": "sk-a" } ] }, """, 256)]
    [InlineData("""{ "auth": { "bearerToken": "sk-only" }, """, 256)]
    [InlineData("""{ "auth": { "bearerToken": "sk-only", "keys": [ { "name": "a", "key": "sk-a" } ] }, """, 128)]
    [InlineData("""{ """, 256)]
    public void A_keys_share_of_the_queue_defaults_to_half_only_when_keys_share_it(string auth, int perKey)
    {
        var path = _env.WriteFile("share.json", auth + """
              "models": [ { "id": "m", "upstreams": ["http://10.0.0.5:8000"], "maxQueue": 256 },
                          { "id": "set", "upstreams": ["http://10.0.0.5:8000"], "maxQueue": 256, "maxQueuePerKey": 10 } ]
            }
            """);

        var settings = _env.Bind(Env(("GATEWAY_CONFIG_FILE", path)));
        var routes = Gateway.Host.Hosting.GatewayRuntime.BuildRoutes(settings, TimeProvider.System);

        Assert.Equal(perKey, routes[0].MaxQueuePerKey);
        Assert.Equal(10, routes[1].MaxQueuePerKey);
    }

    [Fact]
    public void The_config_file_may_wrap_its_settings_in_a_Gateway_object()
    {
        _env.WriteFile("wrapped.json", """
            { "Gateway": { "RateLimit": { "RequestsPerMinute": 7 }, "Models": [ { "Id": "a", "Upstreams": ["http://a:1"] } ] },
              "Serilog": { "MinimumLevel": "Debug" } }
            """);

        var configuration = _env.BuildConfiguration(Env(("GATEWAY_CONFIG_FILE", "wrapped.json")));
        var settings = GatewayConfiguration.Bind(configuration);

        Assert.Equal(7, settings.RateLimit.RequestsPerMinute);
        Assert.Equal("a", Assert.Single(settings.Models).Id);
        Assert.Equal("Debug", configuration["Serilog:MinimumLevel"]);
    }

    [Fact]
    public void Legacy_upstream_url_and_parser_are_ignored_when_the_config_file_defines_models()
    {
        var path = _env.WriteFile("gateway.json", """{ "models": [ { "id": "a", "upstreams": ["http://a:8000"] } ] }""");

        var settings = _env.Bind(Env(
            ("GATEWAY_CONFIG_FILE", path),
            ("VLLM_UPSTREAM_URL", "http://other:8000"),
            ("TOOL_CALL_PARSER", "mistral")));

        var model = Assert.Single(settings.Models);
        Assert.Equal(["http://a:8000"], model.Upstreams);
        Assert.Equal("none", model.ToolCallParser);
    }

    [Fact]
    public void The_config_file_setting_may_come_from_the_dot_env_file()
    {
        _env.WriteFile("models.json", """{ "models": [ { "id": "from-file", "upstreams": ["http://a:8000"] } ] }""");
        _env.WriteFile(".env", "GATEWAY_CONFIG_FILE=models.json\n");

        var settings = _env.Bind();

        Assert.Equal("from-file", Assert.Single(settings.Models).Id);
    }

    [Fact]
    public void A_missing_config_file_is_a_one_line_error_naming_GATEWAY_CONFIG_FILE()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("GATEWAY_CONFIG_FILE", "nope.json"))));

        Assert.StartsWith("GATEWAY_CONFIG_FILE points to '", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("nope.json', which does not exist.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"models\": [ ")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"port\": 1, \"Port\": 2 }")]
    public void A_malformed_config_file_is_a_one_line_error_naming_GATEWAY_CONFIG_FILE(string json)
    {
        _env.WriteFile("bad.json", json);

        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("GATEWAY_CONFIG_FILE", "bad.json"))));

        Assert.StartsWith("GATEWAY_CONFIG_FILE '", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Sources_override_each_other_in_the_documented_order()
    {
        _env.WriteFile("appsettings.json", """
            { "Gateway": { "Server": { "Port": 1001, "MaxRequestBodyBytes": 111 }, "RateLimit": { "RequestsPerMinute": 1, "MaxKeys": 1 },
              "CircuitBreaker": { "FailureThreshold": 1, "CooldownSeconds": 1 }, "Upstream": { "ProbeIntervalSeconds": 1 } } }
            """);
        var file = _env.WriteFile("gateway.json", """
            { "server": { "port": 1002, "maxRequestBodyBytes": 222 }, "rateLimit": { "requestsPerMinute": 2, "maxKeys": 2 },
              "circuitBreaker": { "failureThreshold": 2 } }
            """);
        _env.WriteFile(".env", "SERVER_PORT=1003\nRATE_LIMIT_RPM=3\nMAX_REQUEST_BODY_BYTES=333\n");

        var settings = _env.Bind(
            Env(
                ("GATEWAY_CONFIG_FILE", file),
                ("SERVER_PORT", "1004"),
                ("RATE_LIMIT_RPM", "4"),
                ("Gateway__Server__Port", "1005")),
            ["--Gateway:Server:Port=1006"]);

        Assert.Equal(1, settings.Upstream.ProbeIntervalSeconds);        // appsettings.json only
        Assert.Equal(1, settings.CircuitBreaker.CooldownSeconds);       // appsettings.json only
        Assert.Equal(2, settings.CircuitBreaker.FailureThreshold);      // config file over appsettings.json
        Assert.Equal(2, settings.RateLimit.MaxKeys);                    // config file over appsettings.json
        Assert.Equal(333, settings.Server.MaxRequestBodyBytes);         // .env over config file
        Assert.Equal(4, settings.RateLimit.RequestsPerMinute);          // environment over .env
        Assert.Equal(1006, settings.Server.Port);                       // command line over Gateway__ over legacy
    }

    [Fact]
    public void A_Gateway_double_underscore_variable_overrides_the_legacy_variable()
    {
        var settings = _env.Bind(Env(("SERVER_PORT", "8001"), ("GATEWAY__SERVER__PORT", "9000")));

        Assert.Equal(9000, settings.Server.Port);
    }

    [Fact]
    public void The_command_line_overrides_the_environment()
    {
        var settings = _env.Bind(Env(("SERVER_PORT", "8001"), ("Gateway__Server__Port", "8002")), ["--Gateway:Server:Port=9000"]);

        Assert.Equal(9000, settings.Server.Port);
    }

    [Fact]
    public void A_value_overridden_by_a_higher_source_is_not_named_after_the_legacy_variable()
    {
        var settings = _env.Bind(Env(("SERVER_PORT", "8001"), ("Gateway__Server__Port", "70000"), ("RATE_LIMIT_RPM", "0")));

        Assert.Equal(
            [
                "Gateway:Server:Port must be between 1 and 65535, got 70000.",
                "RATE_LIMIT_RPM (Gateway:RateLimit:RequestsPerMinute) must be greater than 0, got 0.",
            ],
            GatewaySettingsValidator.Validate(settings));
    }

    [Theory]
    [InlineData("http://vllm:8000/v1", "http://vllm:8000")]
    [InlineData("http://vllm:8000/v1/", "http://vllm:8000")]
    [InlineData("http://vllm:8000/", "http://vllm:8000")]
    [InlineData("http://vllm:8000/V1", "http://vllm:8000")]
    [InlineData("https://gpu.example.test/serving/v1", "https://gpu.example.test/serving")]
    [InlineData(" http://vllm:8000 ", "http://vllm:8000")]
    public void A_trailing_v1_or_slash_is_stripped_from_upstream_urls(string url, string expected)
    {
        var settings = _env.Bind(Env(("VLLM_UPSTREAM_URL", url)));

        Assert.Equal([expected], Assert.Single(settings.Models).Upstreams);
    }

    [Theory]
    [InlineData(null, null, "hermes")]
    [InlineData("none", null, "none")]
    [InlineData("mistral", null, "mistral")]
    [InlineData(null, "http://vllm:8000", "none")]
    public void Only_the_simulated_model_defaults_to_hermes_and_an_explicit_parser_wins(string? parser, string? upstream, string expected)
    {
        var variables = new List<(string Name, string? Value)>();
        if (parser is not null)
        {
            variables.Add(("TOOL_CALL_PARSER", parser));
        }

        if (upstream is not null)
        {
            variables.Add(("VLLM_UPSTREAM_URL", upstream));
        }

        var settings = _env.Bind(Env([.. variables]));

        Assert.Equal(expected, Assert.Single(settings.Models).ToolCallParser);
    }

    [Fact]
    public void A_tool_call_parser_without_an_upstream_still_names_the_simulated_model()
    {
        var settings = _env.Bind(Env(("TOOL_CALL_PARSER", "hermes"), ("DEFAULT_MODEL_ID", "sim")));

        var model = Assert.Single(settings.Models);
        Assert.Equal(("sim", "hermes"), (model.Id, model.ToolCallParser));
        Assert.True(settings.Simulated);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void The_legacy_upstream_model_takes_the_configured_default_model_id()
    {
        _env.WriteFile("appsettings.json", """{ "Gateway": { "DefaultModelId": "from-appsettings" } }""");

        var settings = _env.Bind(Env(("VLLM_UPSTREAM_URL", "http://vllm:8000")));

        Assert.Equal("from-appsettings", Assert.Single(settings.Models).Id);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void A_gateway_default_model_id_overriding_DEFAULT_MODEL_ID_also_names_the_legacy_model()
    {
        var settings = _env.Bind(Env(
            ("DEFAULT_MODEL_ID", "legacy-name"),
            ("Gateway__DefaultModelId", "new-name"),
            ("VLLM_UPSTREAM_URL", "http://vllm:8000")));

        Assert.Equal("new-name", Assert.Single(settings.Models).Id);
        Assert.Equal("new-name", settings.DefaultModelId);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Theory]
    [InlineData("TRACE", LogLevel.Trace, LogEventLevel.Verbose)]
    [InlineData("debug", LogLevel.Debug, LogEventLevel.Debug)]
    [InlineData("Info", LogLevel.Information, LogEventLevel.Information)]
    [InlineData("WARNING", LogLevel.Warning, LogEventLevel.Warning)]
    [InlineData("warn", LogLevel.Warning, LogEventLevel.Warning)]
    [InlineData("ERROR", LogLevel.Error, LogEventLevel.Error)]
    [InlineData("critical", LogLevel.Critical, LogEventLevel.Fatal)]
    public void Log_levels_map_to_logging_and_serilog_levels(string name, LogLevel expected, LogEventLevel serilog)
    {
        var settings = _env.Bind(Env(("LOG_LEVEL", name)));

        Assert.Equal(expected, settings.MinimumLogLevel);
        Assert.Equal(serilog, settings.SerilogMinimumLevel);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void The_sources_work_on_a_configuration_manager_as_the_host_uses_them()
    {
        var path = _env.WriteFile("g.json", """{ "models": [ { "id": "a", "upstreams": ["http://a:8000"] } ] }""");
        using var manager = new Microsoft.Extensions.Configuration.ConfigurationManager();

        GatewayConfiguration.AddGatewaySources(
            manager,
            Env(("GATEWAY_CONFIG_FILE", path), ("VLLM_UPSTREAM_URL", "http://ignored:1"), ("SERVER_PORT", "70000")),
            _env.Directory,
            ["--Gateway:RateLimit:MaxKeys=3"]);
        var settings = GatewayConfiguration.Bind(manager);

        Assert.Equal(["http://a:8000"], Assert.Single(settings.Models).Upstreams);
        Assert.Equal(3, settings.RateLimit.MaxKeys);
        Assert.Equal(["SERVER_PORT (Gateway:Server:Port) must be between 1 and 65535, got 70000."], GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void An_empty_gateway_variable_for_a_number_is_an_error_not_a_default()
    {
        var ex = Assert.Throws<ConfigurationException>(() => _env.Bind(Env(("Gateway__RateLimit__MaxKeys", ""))));

        Assert.Equal("Gateway:RateLimit:MaxKeys must be a whole number, got ''.", Assert.Single(ex.Problems));
    }

    [Fact]
    public void Bind_and_validate_throws_every_problem_as_one_line_each()
    {
        var configuration = _env.BuildConfiguration(Env(("SERVER_PORT", "0"), ("LOG_LEVEL", "loud")));

        var ex = Assert.Throws<ConfigurationException>(() => GatewayConfiguration.BindAndValidate(configuration));

        Assert.Equal(2, ex.Problems.Count);
        Assert.All(ex.Problems, p => Assert.DoesNotContain('\n', p));
    }
}
