using Gateway.Streams.Relay;

namespace Gateway.Streams.Tests.Relay;

public class TokenUsageSpec
{
    [Fact]
    public void Reads_usage_from_a_whole_response()
    {
        var usage = TokenUsage.TryRead("""{"id":"x","choices":[{"message":{"content":"usage"}}],"usage":{"prompt_tokens":15,"total_tokens":20,"completion_tokens":5,"prompt_tokens_details":null}}"""u8);
        Assert.Equal(new TokenUsage(15, 5), usage);
    }

    [Fact]
    public void Finds_no_usage_where_there_is_none()
    {
        Assert.Null(TokenUsage.TryRead("""{"id":"x","choices":[]}"""u8));
        Assert.Null(TokenUsage.TryRead("not json"u8));
    }

    [Fact]
    public void Tells_the_usage_only_chunk_from_a_chunk_with_running_usage()
    {
        Assert.Equal((new TokenUsage(9, 3), true), TokenUsage.InspectChunk("""{"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3}}"""u8));
        Assert.Equal((new TokenUsage(9, 1), false), TokenUsage.InspectChunk("""{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":9,"completion_tokens":1}}"""u8));
        Assert.Equal((null, false), TokenUsage.InspectChunk("""{"choices":[{"delta":{"content":"no usage here"}}]}"""u8));
    }
}
