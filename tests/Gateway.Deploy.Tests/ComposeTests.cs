using Gateway.Deploy.Tests.Support;
using Gateway.Host.Configuration;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Gateway.Deploy.Tests;

/// <summary>The compose files, parsed: hardening of the gateway, the vLLM (or simulator) service, and agreement with models.json.</summary>
public sealed class ComposeTests
{
    public static TheoryData<string> ComposeFiles => new() { "docker-compose.yml", "docker-compose.sim.yml" };

    private static YamlMappingNode Load(string file) => Yaml.Load(Repo.Path("deploy", "compose", file));

    private static YamlNode Service(string file, string name) => Load(file).Req("services").Req(name);

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_is_published_on_loopback_only(string file)
    {
        var ports = Service(file, "gateway").Req("ports").Strings();
        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void Every_service_drops_all_capabilities_and_forbids_new_privileges(string file)
    {
        foreach (var (name, service) in ((YamlMappingNode)Load(file).Req("services")).Children)
        {
            Assert.True(service.Req("cap_drop").Strings().SequenceEqual(["ALL"]), $"{file}: {name} cap_drop");
            Assert.Contains("no-new-privileges:true", service.Req("security_opt").Strings());
        }
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_runs_read_only_with_a_tmpfs_for_tmp_as_a_non_root_user(string file)
    {
        var gateway = Service(file, "gateway");
        Assert.Equal("true", gateway.Req("read_only").Scalar());
        Assert.Contains(gateway.Req("tmpfs").Strings(), t => t == "/tmp" || t.StartsWith("/tmp:", StringComparison.Ordinal));
        var user = gateway.Req("user").Scalar()!;
        Assert.DoesNotMatch("^(0|root)(:|$)", user);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_has_memory_and_pids_limits(string file)
    {
        var limits = Service(file, "gateway").Req("deploy").Req("resources").Req("limits");
        Assert.Matches("^[0-9]+[kmg]?$", limits.Req("memory").Scalar());
        Assert.True(int.Parse(limits.Req("pids").Scalar()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_starts_only_after_the_upstream_is_healthy(string file)
    {
        var services = Load(file).Req("services");
        Assert.Equal("service_healthy", services.Req("gateway").Req("depends_on").Req("vllm").Req("condition").Scalar());
        Assert.NotEmpty(services.Req("vllm").Req("healthcheck").Req("test").Strings());
        var gatewayCheck = services.Req("gateway").Req("healthcheck").Req("test").Strings();
        Assert.Equal("CMD", gatewayCheck[0]);
        Assert.EndsWith("/health", gatewayCheck[^1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void Secrets_come_from_the_env_file_and_not_from_the_compose_file(string file)
    {
        var gateway = Service(file, "gateway");
        var envFile = gateway.Req("env_file");
        var paths = envFile is YamlSequenceNode seq
            ? seq.Children.Select(c => c.Get("path")?.Scalar() ?? c.Scalar()).ToList()
            : [envFile.Scalar()];
        Assert.Contains("../.env", paths);
        var environment = gateway.Get("environment").Environment();
        Assert.DoesNotContain(environment.Keys, k => k.Contains("TOKEN", StringComparison.OrdinalIgnoreCase) || k.Contains("KEY", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("${BEARER_TOKEN", File.ReadAllText(Repo.Path("deploy", "compose", file)), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_listens_on_all_container_interfaces_and_the_stop_grace_outlasts_the_drain(string file)
    {
        var gateway = Service(file, "gateway");
        var environment = gateway.Req("environment").Environment();
        Assert.Equal("0.0.0.0", environment["SERVER_HOST"]);
        Assert.Equal("8000", environment["SERVER_PORT"]);
        Assert.True(Duration.Parse(gateway.Req("stop_grace_period").Scalar()!) > TimeSpan.FromSeconds(new ServerSettings().DrainTimeoutSeconds));
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_model_config_is_mounted_read_only_where_GATEWAY_CONFIG_FILE_points(string file)
    {
        var gateway = Service(file, "gateway");
        var configFile = gateway.Req("environment").Environment()["GATEWAY_CONFIG_FILE"];
        Assert.Contains($"./models.json:{configFile}:ro", gateway.Req("volumes").Strings());
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_upstream_port_is_not_published(string file)
    {
        Assert.Null(Service(file, "vllm").Get("ports"));
    }

    [Fact]
    public void vLLM_reserves_a_gpu()
    {
        var vllm = Service("docker-compose.yml", "vllm");
        Assert.StartsWith("${VLLM_IMAGE:-vllm/vllm-openai:", vllm.Req("image").Scalar(), StringComparison.Ordinal);
        var device = Assert.Single(((YamlSequenceNode)vllm.Req("deploy").Req("resources").Req("reservations").Req("devices")).Children);
        Assert.Equal("nvidia", device.Req("driver").Scalar());
        Assert.Contains("gpu", device.Req("capabilities").Strings());
    }

    [Fact]
    public void The_simulated_stack_swaps_vllm_for_the_simulator_image_and_reserves_no_gpu()
    {
        var vllm = Service("docker-compose.sim.yml", "vllm");
        Assert.Equal("deploy/Dockerfile.simulator", vllm.Req("build").Req("dockerfile").Scalar());
        Assert.Null(vllm.Req("deploy").Req("resources").Get("reservations"));
        Assert.DoesNotContain("nvidia", File.ReadAllText(Repo.Path("deploy", "compose", "docker-compose.sim.yml")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_gateway_services_of_both_files_are_the_same(string file)
    {
        // The simulated stack must test what production runs.
        var production = Service("docker-compose.yml", "gateway");
        var other = Service(file, "gateway");
        var keys = ((YamlMappingNode)production).Children.Keys.Select(k => k.Scalar()!).Where(k => k != "logging").ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), ((YamlMappingNode)other).Children.Keys.Select(k => k.Scalar()!).Where(k => k != "logging").Order(StringComparer.Ordinal));
        foreach (var key in keys)
        {
            Assert.True(production.Req(key).Equals(other.Req(key)), $"gateway.{key} differs between docker-compose.yml and {file}");
        }
    }

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_upstream_flags_agree_with_the_mounted_model_config(string file)
    {
        var vllm = Service(file, "vllm");
        var flags = vllm.Req("command").Strings();
        string? Flag(string name) => flags.Select(f => f.Split('=', 2)).Where(p => p[0] == name).Select(p => p.Length > 1 ? p[1] : "").LastOrDefault();

        var model = Assert.Single(LoadModelsJson().Models);
        Assert.Equal(Flag("--served-model-name"), model.Id);
        Assert.Equal(Flag("--served-model-name"), model.UpstreamModel);
        Assert.Equal(Flag("--max-model-len"), model.MaxModelLen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Flag("--enable-auto-tool-choice") is not null, model.UpstreamParsesTools);
        if (file == "docker-compose.yml")
        {
            Assert.Equal(Flag("--tool-call-parser"), model.ToolCallParser);
            Assert.Equal("0.0.0.0", Flag("--host"));
            Assert.Equal("8000", Flag("--port"));
        }

        // The upstream URL names the compose service and the port it listens on.
        var upstream = new Uri(Assert.Single(model.Upstreams));
        Assert.Equal("vllm", upstream.Host);
        Assert.Equal(8000, upstream.Port);
        Assert.Contains("8000", vllm.Req("expose").Strings());
    }

    [Fact]
    public void The_mounted_model_config_is_valid_for_the_gateway_with_a_token()
    {
        var settings = LoadModelsJson();
        Assert.Equal("0.0.0.0", settings.Server.Host);
        Assert.False(settings.Simulated);
    }

    [Fact]
    public void The_gateway_refuses_the_container_bind_without_a_token()
    {
        var ex = Assert.Throws<ConfigurationException>(() => Bind(new Dictionary<string, string?>
        {
            ["GATEWAY_CONFIG_FILE"] = Repo.Path("deploy", "compose", "models.json"),
            ["SERVER_HOST"] = "0.0.0.0",
        }));
        Assert.Contains("loopback", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static GatewaySettings LoadModelsJson() => Bind(new Dictionary<string, string?>
    {
        ["GATEWAY_CONFIG_FILE"] = Repo.Path("deploy", "compose", "models.json"),
        ["SERVER_HOST"] = "0.0.0.0",
        ["BEARER_TOKEN"] = "test-token",
    });

    private static GatewaySettings Bind(Dictionary<string, string?> env)
    {
        using var dir = new TempDir();
        var configuration = new ConfigurationManager();
        GatewayConfiguration.AddGatewaySources(configuration, env, dir.Path);
        return GatewayConfiguration.BindAndValidate(configuration);
    }
}
