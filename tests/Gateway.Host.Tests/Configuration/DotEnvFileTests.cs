using Gateway.Host.Configuration;

namespace Gateway.Host.Tests.Configuration;

public sealed class DotEnvFileTests
{
    [Fact]
    public void Comments_blank_lines_export_quotes_and_inline_comments_are_understood()
    {
        var values = DotEnvFile.Parse(
        [
            "# a comment",
            "",
            "PLAIN=value",
            "  SPACED  =  padded  ",
            "export EXPORTED=1",
            "DOUBLE=\"a # not a comment\"",
            "SINGLE='it''s'",
            "ESCAPED=\"line\\nnext \\\"q\\\"\"",
            "INLINE=abc # comment",
            "HASH=abc#def",
            "EMPTY=",
            "no equals sign here",
            "URL=http://vllm:8000/v1?x=1",
        ]);

        Assert.Equal("value", values["PLAIN"]);
        Assert.Equal("padded", values["SPACED"]);
        Assert.Equal("1", values["EXPORTED"]);
        Assert.Equal("a # not a comment", values["DOUBLE"]);
        Assert.Equal("it", values["SINGLE"]);
        Assert.Equal("line\nnext \"q\"", values["ESCAPED"]);
        Assert.Equal("abc", values["INLINE"]);
        Assert.Equal("abc#def", values["HASH"]);
        Assert.Equal("", values["EMPTY"]);
        Assert.Equal("http://vllm:8000/v1?x=1", values["URL"]);
        Assert.Equal(10, values.Count);
    }

    [Fact]
    public void Names_are_case_insensitive_and_later_lines_win()
    {
        var values = DotEnvFile.Parse(["server_port=1", "SERVER_PORT=2"]);

        Assert.Equal("2", values["Server_Port"]);
    }

    [Fact]
    public void A_missing_file_reads_as_empty()
    {
        Assert.Empty(DotEnvFile.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), ".env")));
    }
}
