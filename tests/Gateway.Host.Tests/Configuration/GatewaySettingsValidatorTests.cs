using Gateway.Host.Configuration;
using static Gateway.Host.Tests.Configuration.ConfigurationTestEnvironment;

namespace Gateway.Host.Tests.Configuration;

public sealed class GatewaySettingsValidatorTests : IDisposable
{
    private readonly ConfigurationTestEnvironment _env = new();

    public void Dispose() => _env.Dispose();

    private static GatewaySettings Upstreamed(params ModelSettings[] models) =>
        new() { Models = [.. models], DefaultModelId = models[0].Id };

    private static ModelSettings Model(string id, params string[] upstreams) => new() { Id = id, Upstreams = [.. upstreams] };

    [Fact]
    public void Default_settings_are_valid()
    {
        Assert.Empty(GatewaySettingsValidator.Validate(new GatewaySettings()));
    }

    [Fact]
    public void Port_70000_names_SERVER_PORT_and_its_gateway_key()
    {
        Assert.Equal(
            ["SERVER_PORT (Gateway:Server:Port) must be between 1 and 65535, got 70000."],
            _env.Problems(Env(("SERVER_PORT", "70000"))));
    }

    [Fact]
    public void Client_limits_and_the_drain_delay_are_checked_each_naming_its_key()
    {
        var settings = new GatewaySettings
        {
            Server =
            {
                DrainDelaySeconds = -1,
                Limits = new ClientLimitsSettings
                {
                    MaxRequestHeaderCount = 0,
                    MinRequestBodyGraceSeconds = 1,
                    MaxConcurrentConnections = 0,
                    KeepAliveTimeoutSeconds = double.NaN,
                },
            },
        };

        var problems = GatewaySettingsValidator.Validate(settings);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Gateway:Server:DrainDelaySeconds must be between 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Gateway:Server:Limits:MaxRequestHeaderCount must be between 8 and 10000, got 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Gateway:Server:Limits:MinRequestBodyGraceSeconds must be greater than 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Gateway:Server:Limits:MaxConcurrentConnections must be greater than 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Gateway:Server:Limits:KeepAliveTimeoutSeconds must be greater than 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_models_own_phase_timeouts_are_checked_each_naming_its_key()
    {
        var model = Model("m", "http://10.0.0.5:8000");
        model.ConnectTimeoutSeconds = 0;
        model.QueueTimeoutSeconds = -1;
        model.TtftTimeoutSeconds = double.PositiveInfinity;
        model.IdleTimeoutSeconds = 1e12;
        model.RequestTimeoutSeconds = double.NaN;

        var problems = GatewaySettingsValidator.Validate(Upstreamed(model));

        Assert.Equal(
            ["ConnectTimeoutSeconds", "QueueTimeoutSeconds", "TtftTimeoutSeconds", "IdleTimeoutSeconds", "RequestTimeoutSeconds"],
            problems.Select(p => p.Split(' ')[0].Split(':')[^1]));
        Assert.All(problems, p => Assert.StartsWith("Gateway:Models:0:", p, StringComparison.Ordinal));
        Assert.All(problems, p => Assert.Contains("must be greater than 0 and at most", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Port_zero_set_without_a_legacy_variable_names_only_the_gateway_key()
    {
        var settings = new GatewaySettings { Server = { Port = 0 } };

        Assert.Equal(["Gateway:Server:Port must be between 1 and 65535, got 0."], GatewaySettingsValidator.Validate(settings));
    }

    [Theory]
    [InlineData("RATE_LIMIT_RPM", "-5", "RATE_LIMIT_RPM (Gateway:RateLimit:RequestsPerMinute) must be greater than 0, got -5.")]
    [InlineData("RATE_LIMIT_MAX_KEYS", "0", "RATE_LIMIT_MAX_KEYS (Gateway:RateLimit:MaxKeys) must be greater than 0, got 0.")]
    [InlineData("MAX_REQUEST_BODY_BYTES", "0", "MAX_REQUEST_BODY_BYTES (Gateway:Server:MaxRequestBodyBytes) must be greater than 0, got 0.")]
    [InlineData("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "0", "CIRCUIT_BREAKER_FAILURE_THRESHOLD (Gateway:CircuitBreaker:FailureThreshold) must be greater than 0, got 0.")]
    [InlineData("CIRCUIT_BREAKER_COOLDOWN_S", "-1.5", "CIRCUIT_BREAKER_COOLDOWN_S (Gateway:CircuitBreaker:CooldownSeconds) must be greater than 0 and at most 2147483 seconds, got -1.5.")]
    [InlineData("VLLM_REQUEST_TIMEOUT_S", "0", "VLLM_REQUEST_TIMEOUT_S (Gateway:Upstream:RequestTimeoutSeconds) must be greater than 0 and at most 2147483 seconds, got 0.")]
    [InlineData("VLLM_REQUEST_TIMEOUT_S", "NaN", "VLLM_REQUEST_TIMEOUT_S (Gateway:Upstream:RequestTimeoutSeconds) must be greater than 0 and at most 2147483 seconds, got NaN.")]
    [InlineData("RATE_LIMIT_IDLE_EVICT_S", "1e300", "RATE_LIMIT_IDLE_EVICT_S (Gateway:RateLimit:IdleEvictSeconds) must be greater than 0 and at most 2147483 seconds, got 1E+300.")]
    [InlineData("LOG_LEVEL", "verbose", "LOG_LEVEL (Gateway:LogLevel) must be one of TRACE, DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL (any case), got 'verbose'.")]
    [InlineData("TOOL_CALL_PARSER", "XML", "TOOL_CALL_PARSER (Gateway:Models:0:ToolCallParser) must be one of none, auto, hermes, llama3_json, mistral, pythonic, qwen3_coder, deepseek_v3, granite, got 'XML'.")]
    [InlineData("BEARER_TOKEN", "two words", "BEARER_TOKEN (Gateway:Auth:BearerToken) must not contain whitespace.")]
    public void A_bad_legacy_value_gives_one_line_naming_the_variable(string name, string value, string expected)
    {
        Assert.Equal([expected], _env.Problems(Env((name, value))));
    }

    [Theory]
    [InlineData("file:///etc/passwd", "must use http or https — got scheme='file'.")]
    [InlineData("http:///", "must include a host.")]
    [InlineData("http://169.254.169.254/", "targets a cloud metadata-service address (169.254.169.254); refusing to forward traffic to it.")]
    [InlineData("http://[::ffff:169.254.169.254]/", "targets a cloud metadata-service address (169.254.169.254); refusing to forward traffic to it.")]
    [InlineData("http://2852039166/", "targets a cloud metadata-service address (169.254.169.254); refusing to forward traffic to it.")]
    [InlineData("http://[fd00:ec2::254]:80/", "targets a cloud metadata-service address (fd00:ec2::254); refusing to forward traffic to it.")]
    public void A_bad_upstream_url_names_VLLM_UPSTREAM_URL(string url, string reason)
    {
        Assert.Equal(
            [$"VLLM_UPSTREAM_URL (Gateway:Models:0:Upstreams:0) {reason}"],
            _env.Problems(Env(("VLLM_UPSTREAM_URL", url))));
    }

    [Fact]
    public void A_bad_upstream_in_the_config_file_names_its_gateway_key()
    {
        var path = _env.WriteFile("g.json", """
            { "models": [ { "id": "a", "upstreams": ["http://10.0.0.1:8000", "http://169.254.170.2:8080"] } ] }
            """);

        Assert.Equal(
            ["Gateway:Models:0:Upstreams:1 targets a cloud metadata-service address (169.254.170.2); refusing to forward traffic to it."],
            _env.Problems(Env(("GATEWAY_CONFIG_FILE", path))));
    }

    [Fact]
    public void A_duplicate_model_id_is_refused()
    {
        var settings = Upstreamed(Model("a", "http://a:1"), Model("b", "http://b:1"), Model("a", "http://c:1"));

        Assert.Equal(
            ["Gateway:Models:2:Id 'a' duplicates Gateway:Models:0:Id; model ids must be unique."],
            GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void An_empty_model_id_is_refused()
    {
        var settings = Upstreamed(Model("a", "http://a:1"), Model("", "http://b:1"));

        Assert.Equal(["Gateway:Models:1:Id must not be empty."], GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void An_unknown_parser_in_the_config_file_is_refused()
    {
        var settings = Upstreamed(new ModelSettings { Id = "a", Upstreams = ["http://a:1"], ToolCallParser = "json" });

        Assert.Equal(
            ["Gateway:Models:0:ToolCallParser must be one of none, auto, hermes, llama3_json, mistral, pythonic, qwen3_coder, deepseek_v3, granite, got 'json'."],
            GatewaySettingsValidator.Validate(settings));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("auto")]
    [InlineData("hermes")]
    [InlineData("llama3_json")]
    [InlineData("mistral")]
    [InlineData("pythonic")]
    [InlineData("qwen3_coder")]
    [InlineData("deepseek_v3")]
    [InlineData("granite")]
    public void Every_known_parser_is_accepted(string parser)
    {
        Assert.Empty(_env.Problems(Env(("TOOL_CALL_PARSER", parser), ("VLLM_UPSTREAM_URL", "http://vllm:8000"))));
    }

    [Fact]
    public void Admission_bounds_must_be_positive_and_the_queue_not_negative()
    {
        var settings = Upstreamed(new ModelSettings { Id = "a", Upstreams = ["http://a:1"], MaxInFlight = 0, MaxQueue = -1, MaxModelLen = 0 });

        Assert.Equal(
            [
                "Gateway:Models:0:MaxInFlight must be greater than 0, got 0.",
                "Gateway:Models:0:MaxQueue must be 0 or more, got -1.",
                "Gateway:Models:0:MaxModelLen must be greater than 0, got 0.",
            ],
            GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void A_model_without_upstreams_beside_models_with_upstreams_is_refused()
    {
        var settings = Upstreamed(Model("a", "http://a:1"), Model("b"));

        var problem = Assert.Single(GatewaySettingsValidator.Validate(settings));
        Assert.StartsWith("Gateway:Models:1:Upstreams is empty while other models have upstreams", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_upstream_twice_in_one_model_is_refused()
    {
        var settings = Upstreamed(Model("a", "http://a:1", "http://a:1/v1"));

        Assert.Equal(["Gateway:Models:0:Upstreams:1 lists 'http://a:1/v1' twice for model 'a'."], GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void The_default_model_id_must_be_a_configured_model_when_set_explicitly()
    {
        var path = _env.WriteFile("g.json", """{ "models": [ { "id": "a", "upstreams": ["http://a:1"] }, { "id": "b", "upstreams": ["http://b:1"] } ] }""");

        Assert.Equal(
            ["DEFAULT_MODEL_ID (Gateway:DefaultModelId) is 'selfhost-qwen', which is not a configured model id (configured: a, b)."],
            _env.Problems(Env(("GATEWAY_CONFIG_FILE", path), ("DEFAULT_MODEL_ID", "selfhost-qwen"))));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.10")]
    [InlineData("gateway.example.test")]
    public void A_non_loopback_host_without_a_token_or_keys_is_refused(string host)
    {
        Assert.Equal(
            [
                $"SERVER_HOST (Gateway:Server:Host) is '{host}', which is not a loopback address, but neither Gateway:Auth:BearerToken " +
                "nor Gateway:Auth:Keys is set; refusing to expose an unauthenticated gateway. Set BEARER_TOKEN or configure keys, or bind to 127.0.0.1.",
            ],
            _env.Problems(Env(("SERVER_HOST", host))));
    }

    [Fact]
    public void A_non_loopback_host_with_a_bearer_token_is_accepted()
    {
        Assert.Empty(_env.Problems(Env(("SERVER_HOST", "0.0.0.0"), ("BEARER_TOKEN", "tok"))));
    }

    [Fact]
    public void A_non_loopback_host_with_api_keys_is_accepted()
    {
        var settings = new GatewaySettings { Server = { Host = "0.0.0.0" }, Auth = { Keys = [new ApiKeySettings { Key = "k", Name = "n" }] } };

        Assert.False(settings.AuthDisabled);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    public void A_loopback_host_without_a_token_runs_with_auth_disabled(string host)
    {
        var settings = _env.Bind(Env(("SERVER_HOST", host)));

        Assert.True(settings.AuthDisabled);
        Assert.True(settings.Server.IsLoopback);
        Assert.Empty(GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void Key_digests_names_limits_and_priority_are_checked()
    {
        var settings = Upstreamed(Model("a", "http://a:1"));
        var digest = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("k1"u8)).ToLowerInvariant();
        settings.Auth.Keys =
        [
            new ApiKeySettings { Key = "k1", Name = "one" },
            new ApiKeySettings { KeySha256 = digest, Name = "two" },
            new ApiKeySettings { KeySha256 = "abc", Name = "three" },
            new ApiKeySettings { Key = "k4", KeySha256 = digest, Name = "four" },
            new ApiKeySettings { Key = "k5", Name = "one", RequestsPerMinute = -1, TokensPerMinute = -2, MaxConcurrent = -3, Priority = 0 },
        ];
        settings.RateLimit.TokensPerMinute = -1;

        Assert.Equal(
            [
                "Gateway:Auth:Keys:1:KeySha256 repeats the key of Gateway:Auth:Keys:0; keys must be unique.",
                "Gateway:Auth:Keys:2:KeySha256 must be a SHA-256 digest: 64 hexadecimal digits.",
                "Gateway:Auth:Keys:3:Key and Gateway:Auth:Keys:3:KeySha256 are both set; give the secret one way only.",
                "Gateway:Auth:Keys:4:Name 'one' is used by another key; names must be unique (limits and usage are kept by name).",
                "Gateway:Auth:Keys:4:RequestsPerMinute must be 0 (unlimited) or more, got -1.",
                "Gateway:Auth:Keys:4:TokensPerMinute must be 0 (unlimited) or more, got -2.",
                "Gateway:Auth:Keys:4:MaxConcurrent must be 0 (unlimited) or more, got -3.",
                "Gateway:Auth:Keys:4:Priority must be greater than 0 and at most 1000, got 0.",
                "Gateway:RateLimit:TokensPerMinute must be 0 (unlimited) or more, got -1.",
            ],
            GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void Api_keys_must_be_non_empty_and_unique_and_allow_only_configured_models()
    {
        var settings = Upstreamed(Model("a", "http://a:1"));
        settings.Auth.Keys =
        [
            new ApiKeySettings { Key = "k1", Name = "one", AllowedModels = ["a"] },
            new ApiKeySettings { Key = "", Name = "two" },
            new ApiKeySettings { Key = "k1", Name = "three" },
            new ApiKeySettings { Key = "k4", Name = "four", AllowedModels = ["a", "zzz"] },
        ];

        Assert.Equal(
            [
                "Gateway:Auth:Keys:1:Key must not be empty (or give Gateway:Auth:Keys:1:KeySha256).",
                "Gateway:Auth:Keys:2:Key repeats the key of Gateway:Auth:Keys:0; keys must be unique.",
                "Gateway:Auth:Keys:3:AllowedModels:1 names model 'zzz', which is not configured (configured: a).",
            ],
            GatewaySettingsValidator.Validate(settings));
    }

    [Fact]
    public void Several_problems_are_all_reported()
    {
        var problems = _env.Problems(Env(("SERVER_PORT", "70000"), ("RATE_LIMIT_RPM", "-1"), ("VLLM_UPSTREAM_URL", "ftp://x")));

        Assert.Equal(3, problems.Count);
    }
}
