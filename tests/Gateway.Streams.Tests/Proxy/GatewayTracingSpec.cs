using System.Diagnostics;
using Gateway.Streams.Proxy;

namespace Gateway.Streams.Tests.Proxy;

public class GatewayTracingSpec
{
    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, "01")]
    [InlineData(ActivityTraceFlags.None, "00")]
    public void The_traceparent_header_is_w3c_version_00_with_lowercase_ids_and_the_sampled_flag(ActivityTraceFlags flags, string expected)
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags);

        var header = GatewayTracing.TraceParentHeader(context);

        Assert.Equal($"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{expected}", header);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", header);
    }
}
