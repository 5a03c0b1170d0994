using System.Text;
using Gateway.Host.Observability;

namespace Gateway.Host.Tests.Observability;

public sealed class FinishReasonsTests
{
    [Theory]
    [InlineData("""{"choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]}""", "")]
    [InlineData("""{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}""", "length")]
    [InlineData("""{"choices":[{"index":0,"finish_reason": "stop"},{"index":1,"finish_reason":"tool_calls"},{"index":2,"finish_reason":"stop"}]}""", "stop,tool_calls")]
    [InlineData("""{"choices":[{"index":0,"message":{"content":"say \"finish_reason\": now"},"finish_reason":"stop"}]}""", "stop")]
    public void Picks_the_distinct_finish_reasons_out_of_a_body_or_chunk(string json, string expected)
    {
        List<string> reasons = [];
        FinishReasons.Collect(Encoding.UTF8.GetBytes(json), reasons);
        Assert.Equal(expected, string.Join(",", reasons));
    }
}
