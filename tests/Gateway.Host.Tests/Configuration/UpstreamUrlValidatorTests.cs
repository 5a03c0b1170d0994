using Gateway.Host.Configuration;

namespace Gateway.Host.Tests.Configuration;

public sealed class UpstreamUrlValidatorTests
{
    private const string Key = "VLLM_UPSTREAM_URL";

    [Theory]
    [InlineData("http://127.0.0.1:18000")]
    [InlineData("http://localhost:8000/v1")]
    [InlineData("http://[::1]:8000")]
    [InlineData("http://10.0.0.5:8000")]
    [InlineData("http://172.16.0.1")]
    [InlineData("http://192.168.1.10/")]
    [InlineData("http://vllm:8000")]
    [InlineData("https://example.test")]
    [InlineData("HTTP://vllm:8000")]
    [InlineData("http://169.254.169.254.nip.io/")]
    [InlineData("http://169.254.169.253/")]
    public void Loopback_private_and_dns_upstreams_are_accepted(string url)
    {
        Assert.Null(UpstreamUrlValidator.Validate(Key, url));
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("ftp://vllm/", "ftp")]
    [InlineData("ws://vllm:8000", "ws")]
    [InlineData("vllm:8000", "vllm")]
    [InlineData("127.0.0.1:8000", "")]
    [InlineData("", "")]
    public void A_scheme_other_than_http_or_https_is_refused(string url, string scheme)
    {
        Assert.Equal($"VLLM_UPSTREAM_URL must use http or https — got scheme='{scheme}'.", UpstreamUrlValidator.Validate(Key, url));
    }

    [Theory]
    [InlineData("http:///")]
    [InlineData("http://")]
    [InlineData("https://:8000/")]
    [InlineData("http://user@/")]
    [InlineData("http:vllm")]
    public void A_url_without_a_host_is_refused(string url)
    {
        Assert.Equal("VLLM_UPSTREAM_URL must include a host.", UpstreamUrlValidator.Validate(Key, url));
    }

    [Theory]
    [InlineData("http://169.254.169.254/", "169.254.169.254")]
    [InlineData("http://169.254.169.254:8080/", "169.254.169.254")]
    [InlineData("HTTPS://169.254.169.254/latest/meta-data", "169.254.169.254")]
    [InlineData("http://user:pw@169.254.169.254/", "169.254.169.254")]
    [InlineData("http://169.254.170.2", "169.254.170.2")]
    [InlineData("http://169.254.170.23:80", "169.254.170.23")]
    [InlineData("http://100.100.100.200/", "100.100.100.200")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254")]
    [InlineData("http://[FD00:EC2:0:0:0:0:0:254]:8080/", "fd00:ec2::254")]
    [InlineData("http://[::ffff:169.254.169.254]/", "169.254.169.254")]
    [InlineData("http://[::ffff:a9fe:a9fe]:80/", "169.254.169.254")]
    [InlineData("http://[0:0:0:0:0:ffff:100.100.100.200]/", "100.100.100.200")]
    [InlineData("http://[::169.254.170.2]/", "169.254.170.2")]
    [InlineData("http://[64:ff9b::169.254.169.254]/", "169.254.169.254")]
    [InlineData("http://2852039166/", "169.254.169.254")]
    [InlineData("http://0xA9FEA9FE/", "169.254.169.254")]
    [InlineData("http://0xa9.0xfe.0xa9.0xfe/", "169.254.169.254")]
    [InlineData("http://0251.0376.0251.0376/", "169.254.169.254")]
    [InlineData("http://169.254.43518/", "169.254.169.254")]
    [InlineData("http://169.254.169.254./", "169.254.169.254")]
    public void A_cloud_metadata_address_in_any_form_is_refused(string url, string address)
    {
        Assert.Equal(
            $"VLLM_UPSTREAM_URL targets a cloud metadata-service address ({address}); refusing to forward traffic to it.",
            UpstreamUrlValidator.Validate(Key, url));
    }

    [Fact]
    public void The_message_starts_with_the_key_it_is_given()
    {
        Assert.Equal(
            "Gateway:Models:3:Upstreams:1 must include a host.",
            UpstreamUrlValidator.Validate("Gateway:Models:3:Upstreams:1", "http:///"));
    }

    [Theory]
    [InlineData("http://vllm:8000/?x=1")]
    [InlineData("http://vllm:8000/#frag")]
    public void A_query_or_fragment_is_refused(string url)
    {
        Assert.Equal($"VLLM_UPSTREAM_URL must be a base URL without a query or fragment, got '{url}'.", UpstreamUrlValidator.Validate(Key, url));
    }
}
