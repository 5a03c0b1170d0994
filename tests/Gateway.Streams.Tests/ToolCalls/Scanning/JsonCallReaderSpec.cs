using System.Text.Json;
using Gateway.Streams.ToolCalls.Scanning;

namespace Gateway.Streams.Tests.ToolCalls.Scanning;

/// <summary>The incremental reader accepts exactly the JSON objects System.Text.Json accepts, whole and a character at a time.</summary>
public sealed class JsonCallReaderSpec
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{ \"a\" : [ 1 , -0.5e+3 , true , false , null , \"x\\u00e9\\n\" ] , \"b\" : { } }")]
    [InlineData("{\"a\":[[],[{}]],\"b\":0,\"c\":-1.0E-2,\"d\":\"\\\"\\\\\\/\\b\\f\\r\\t\"}")]
    [InlineData("{\"a\": 1 \"b\": 2}")]
    [InlineData("{\"a\": 01}")]
    [InlineData("{\"a\": 1.}")]
    [InlineData("{\"a\": -}")]
    [InlineData("{\"a\": tru}")]
    [InlineData("{\"a\": \"\\x\"}")]
    [InlineData("{\"a\": \"\\u12g4\"}")]
    [InlineData("{\"a\": \"tab\there\"}")]
    [InlineData("{\"a\": [1,]}")]
    [InlineData("{\"a\": 1,}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{'a': 1}")]
    [InlineData("{\"a\": [1}")]
    [InlineData("{\"a\": UTC}")]
    public void Accepts_what_System_Text_Json_accepts(string json)
    {
        bool expected;
        try
        {
            using var document = JsonDocument.Parse(json);
            expected = document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            expected = false;
        }

        Assert.Equal(expected, new JsonCallReader(callObject: false).Scan(json, 0, 0, out var end) == ScanStatus.Complete);
        if (expected)
        {
            Assert.Equal(json.Length, end);
        }

        var reader = new JsonCallReader(callObject: false);
        var status = ScanStatus.Incomplete;
        for (var length = 1; length <= json.Length && status == ScanStatus.Incomplete; length++)
        {
            status = reader.Scan(json.AsSpan(0, length), 0, 0, out _);
            Assert.True(status != ScanStatus.Complete || length == json.Length);
        }

        Assert.Equal(expected, status == ScanStatus.Complete);
    }

    [Fact]
    public void Finds_the_name_and_the_arguments_of_a_call_object_and_ignores_nested_keys()
    {
        const string Json = "{\"id\": {\"name\": 1}, \"arguments\": {\"name\": \"inner\"}, \"name\": \"f\"}";
        var reader = new JsonCallReader(callObject: true);

        Assert.Equal(ScanStatus.Complete, reader.Scan(Json, 0, 0, out _));

        Assert.Equal("\"f\"", Json[reader.NameStart..reader.NameEnd]);
        Assert.Equal("{\"name\": \"inner\"}", Json[reader.ArgumentsStart..reader.ArgumentsEnd]);
    }
}
