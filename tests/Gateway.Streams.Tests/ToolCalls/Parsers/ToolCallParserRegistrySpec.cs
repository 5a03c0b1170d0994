using System.Diagnostics.Metrics;
using Gateway.Streams.ToolCalls.Parsers;

namespace Gateway.Streams.Tests.ToolCalls.Parsers;

public sealed class ToolCallParserRegistrySpec
{
    [Fact]
    public void The_registry_names_the_seven_families_and_finds_each()
    {
        Assert.Equal(["hermes", "llama3_json", "mistral", "pythonic", "qwen3_coder", "deepseek_v3", "granite"], ToolCallParserRegistry.Names);
        foreach (var name in ToolCallParserRegistry.Names)
        {
            Assert.True(ToolCallParserRegistry.TryGet(name, out var parser));
            Assert.Equal(name, parser.Name);
        }
    }

    [Fact]
    public void The_configurable_names_are_none_auto_and_the_families()
    {
        Assert.Equal(["none", "auto", "hermes", "llama3_json", "mistral", "pythonic", "qwen3_coder", "deepseek_v3", "granite"], ToolCallParserRegistry.ConfigurableNames);
    }

    [Theory]
    [InlineData("hermes", true)]
    [InlineData(" Auto ", true)]
    [InlineData("NONE", true)]
    [InlineData("json", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_configured_name_is_checked_trimmed_and_in_any_case(string? name, bool configurable)
    {
        Assert.Equal(configurable, ToolCallParserRegistry.IsConfigurable(name));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("")]
    [InlineData("auto")]
    [InlineData("llama4_json")]
    public void None_and_unknown_names_have_no_parser(string name)
    {
        Assert.False(ToolCallParserRegistry.TryGet(name, out _));
    }

    [Theory]
    [InlineData("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3_coder")]
    [InlineData("qwen3-coder-480b", "qwen3_coder")]
    [InlineData("Qwen/Qwen2.5-7B-Instruct", "hermes")]
    [InlineData("Qwen/Qwen3-8B", "hermes")]
    [InlineData("Qwen/QwQ-32B", "hermes")]
    [InlineData("NousResearch/Hermes-3-Llama-3.1-8B", "hermes")]
    [InlineData("NousResearch/Hermes-2-Pro-Mistral-7B", "hermes")]
    [InlineData("meta-llama/Llama-3.1-8B-Instruct", "llama3_json")]
    [InlineData("meta-llama/Meta-Llama-3.1-70B-Instruct", "llama3_json")]
    [InlineData("/models/llama-3.2-3b-instruct", "llama3_json")]
    [InlineData("meta-llama/Llama-3.3-70B-Instruct", "llama3_json")]
    [InlineData("meta-llama/Llama-4-Scout-17B-16E-Instruct", "pythonic")]
    [InlineData("meta-llama/Meta-Llama-3-8B-Instruct", "none")]
    [InlineData("mistralai/Mistral-7B-Instruct-v0.3", "mistral")]
    [InlineData("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistral")]
    [InlineData("mistralai/Ministral-8B-Instruct-2410", "mistral")]
    [InlineData("mistralai/Devstral-Small-2505", "mistral")]
    [InlineData("mistralai/Magistral-Small-2506", "mistral")]
    [InlineData("deepseek-ai/DeepSeek-V3-0324", "deepseek_v3")]
    [InlineData("deepseek-ai/DeepSeek-R1-0528", "deepseek_v3")]
    [InlineData("deepseek-ai/DeepSeek-V3.1", "deepseek_v3")]
    [InlineData("ibm-granite/granite-3.1-8b-instruct", "granite")]
    [InlineData("google/gemma-2-9b-it", "none")]
    [InlineData("", "none")]
    public void Auto_resolution_maps_model_names_to_families(string model, string family)
    {
        Assert.Equal(family, ToolCallParserRegistry.ResolveAuto(model));
    }

    [Fact]
    public void Unparseable_markup_is_counted_as_a_parse_failure_tagged_with_the_parser()
    {
        var failures = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ToolCallMetrics.MeterName && instrument.Name == ToolCallMetrics.ParseFailuresName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "parser")
                {
                    lock (failures)
                    {
                        failures.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();

        ToolCallParserHarness.Parser("mistral").Parse("[TOOL_CALLS]f{\"a\": broken}", ToolSchemas.Empty);

        lock (failures)
        {
            Assert.Contains("mistral", failures);
        }
    }
}
