using System.Text.Json;
using Gateway.Streams.Json;

namespace Gateway.Streams.Tests.Json;

public class RequestFieldsSpec
{
    [Fact]
    public void Every_field_is_found_by_its_wire_name_as_TryGetProperty_finds_it()
    {
        var all = Enum.GetValues<RequestField>();
        var body = "{" + string.Join(",", all.Select((f, i) => $"\"{RequestFields.NameOf(f)}\":{i}")) + ",\"top_k\":99}";
        using var doc = JsonDocument.Parse(body);
        var fields = RequestFields.Read(doc.RootElement);
        foreach (var field in all)
        {
            Assert.True(doc.RootElement.TryGetProperty(RequestFields.NameOf(field), out var expected));
            Assert.Equal(expected.GetRawText(), fields[field].GetRawText());
            Assert.True(fields.Has(field));
        }
    }

    [Fact]
    public void Wire_names_are_the_OpenAI_parameter_names()
    {
        Assert.Equal("max_completion_tokens", RequestFields.NameOf(RequestField.MaxCompletionTokens));
        Assert.Equal("tool_choice", RequestFields.NameOf(RequestField.ToolChoice));
        Assert.Equal("n", RequestFields.NameOf(RequestField.N));
        Assert.Equal(Enum.GetValues<RequestField>().Length, Enum.GetValues<RequestField>().Select(RequestFields.NameOf).Distinct().Count());
    }

    [Fact]
    public void A_repeated_name_reads_its_last_value_like_TryGetProperty()
    {
        using var doc = JsonDocument.Parse("""{"model":"a","stream":false,"model":"b","stream":true}""");
        var fields = RequestFields.Read(doc.RootElement);
        Assert.Equal(doc.RootElement.GetProperty("model").GetString(), fields[RequestField.Model].GetString());
        Assert.Equal("b", fields[RequestField.Model].GetString());
        Assert.Equal(JsonValueKind.True, fields[RequestField.Stream].ValueKind);
    }

    [Fact]
    public void An_escaped_name_is_compared_unescaped()
    {
        using var doc = JsonDocument.Parse("""{"m\u0061x_tokens":7,"\u006d\u006f\u0064\u0065\u006c":"x"}""");
        var fields = RequestFields.Read(doc.RootElement);
        Assert.Equal(7, fields[RequestField.MaxTokens].GetInt32());
        Assert.Equal("x", fields[RequestField.Model].GetString());
    }

    [Fact]
    public void Absent_fields_are_undefined_and_null_ones_are_not_given()
    {
        using var doc = JsonDocument.Parse("""{"model":"m","temperature":null,"max_tokensX":1,"MAX_TOKENS":2,"nn":3}""");
        var fields = RequestFields.Read(doc.RootElement);
        Assert.Equal(JsonValueKind.Undefined, fields[RequestField.MaxTokens].ValueKind);
        Assert.Equal(JsonValueKind.Undefined, fields[RequestField.N].ValueKind);
        Assert.Equal(JsonValueKind.Null, fields[RequestField.Temperature].ValueKind);
        Assert.False(fields.Has(RequestField.Temperature));
        Assert.False(fields.Has(RequestField.Stream));
        Assert.True(fields.Has(RequestField.Model));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"model\"")]
    [InlineData("null")]
    public void A_root_that_is_no_object_has_no_fields(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var fields = RequestFields.Read(doc.RootElement);
        Assert.All(Enum.GetValues<RequestField>(), f => Assert.Equal(JsonValueKind.Undefined, fields[f].ValueKind));
    }

    [Fact]
    public void Nested_fields_are_not_taken_for_top_level_ones()
    {
        using var doc = JsonDocument.Parse("""{"messages":[{"role":"user","content":"hi","model":"inner"}],"stream_options":{"stream":true}}""");
        var fields = RequestFields.Read(doc.RootElement);
        Assert.Equal(JsonValueKind.Undefined, fields[RequestField.Model].ValueKind);
        Assert.Equal(JsonValueKind.Undefined, fields[RequestField.Stream].ValueKind);
        Assert.Equal(JsonValueKind.Array, fields[RequestField.Messages].ValueKind);
    }
}
