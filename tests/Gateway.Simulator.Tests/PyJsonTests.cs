using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class PyJsonTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("héllo 世界 🎉", "\"héllo 世界 🎉\"")]
    [InlineData("q\"b\\n\nt\t\u0001", "\"q\\\"b\\\\n\\nt\\t\\u0001\"")]
    [InlineData("<tag> & 'x' + /", "\"<tag> & 'x' + /\"")]
    public void Strings_are_escaped_like_pydantic(string value, string expected)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, PyJson.WriterOptions))
        {
            PyJson.WriteStringValue(writer, value);
        }

        Assert.Equal(expected, Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(value, JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetString());
    }

    [Fact]
    public void Long_strings_use_a_pooled_buffer()
    {
        var value = string.Concat(Enumerable.Repeat("🎉\"", 500));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, PyJson.WriterOptions))
        {
            PyJson.WriteStringValue(writer, value);
        }

        Assert.Equal(value, JsonDocument.Parse(buffer.WrittenMemory).RootElement.GetString());
    }

    [Fact]
    public void Ascii_form_escapes_non_ascii_like_json_dumps()
    {
        var sb = new StringBuilder();
        PyJson.AppendAsciiQuoted(sb, "é\"");

        Assert.Equal("\"\\u00e9\\\"\"", sb.ToString());
    }
}
