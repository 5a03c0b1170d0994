using Gateway.Streams.Breaker;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Tests.Proxy;

public class UpstreamEndpointSpec
{
    private static UpstreamEndpoint Endpoint(string url) => new(new Uri(url), new UpstreamCircuitBreaker(1, TimeSpan.FromSeconds(1)));

    [Fact]
    public void The_label_never_carries_credentials()
    {
        Assert.Equal("http://vllm:8000", Endpoint("http://user:secret@vllm:8000/").Label);
    }

    [Theory]
    [InlineData("http://vllm:8000", "http://vllm:8000/v1/chat/completions")]
    [InlineData("http://vllm:8000/", "http://vllm:8000/v1/chat/completions")]
    [InlineData("http://proxy/vllm", "http://proxy/vllm/v1/chat/completions")]
    [InlineData("http://proxy/vllm/", "http://proxy/vllm/v1/chat/completions")]
    public void Paths_resolve_under_the_base_url_keeping_its_prefix(string baseUrl, string expected)
    {
        Assert.Equal(expected, Endpoint(baseUrl).Resolve("/v1/chat/completions").ToString());
    }
}
