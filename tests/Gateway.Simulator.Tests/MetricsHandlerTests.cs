namespace Gateway.Simulator.Tests;

public sealed class MetricsHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Metrics_use_vllm_names_and_labels()
    {
        using var warm = await fixture.Client.PostAsync("/v1/completions", SimHttp.Json("""{"model":"second-model","prompt":"x","max_tokens":3}"""));
        using var response = await fixture.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        foreach (var name in new[]
                 {
                     "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
                     "vllm:prompt_tokens_total", "vllm:generation_tokens_total", "vllm:request_success_total",
                 })
        {
            Assert.Contains($"# TYPE {name} ", text, StringComparison.Ordinal);
            Assert.Contains($"{name}{{engine=\"0\",", text, StringComparison.Ordinal);
        }

        Assert.Contains("vllm:num_requests_running{engine=\"0\",model_name=\"sim-model\"} 0.0\n", text, StringComparison.Ordinal);
        Assert.Contains("vllm:request_success_total{engine=\"0\",finished_reason=\"length\",model_name=\"second-model\"} 1.0\n", text, StringComparison.Ordinal);
        Assert.Contains("vllm:generation_tokens_total{engine=\"0\",model_name=\"second-model\"} 3.0\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vllm:prompt_tokens_created gauge", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(0.42, "0.42")]
    [InlineData(123456.0, "123456.0")]
    [InlineData(1732406400.0, "1.7324064e+09")]
    [InlineData(1732406400.123, "1.732406400123e+09")]
    public void Values_are_formatted_like_python_prometheus_client(double value, string expected) =>
        Assert.Equal(expected, MetricsHandler.FormatValue(value));
}
