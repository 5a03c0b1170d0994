using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class ToolSchemaValuesTests
{
    [Fact]
    public void Required_properties_get_values_of_their_type_enums_and_defaults()
    {
        using var schema = JsonDocument.Parse("""
            {"type":"object","required":["s","i","n","b","e","d","arr","obj","multi"],"properties":{
              "s":{"type":"string"},"i":{"type":"integer","minimum":3},"n":{"type":"number"},"b":{"type":"boolean"},
              "e":{"type":"string","enum":["celsius","fahrenheit"]},"d":{"type":"integer","default":42},
              "arr":{"type":"array","items":{"type":"integer"}},
              "obj":{"type":"object","required":["inner"],"properties":{"inner":{"type":"string"},"skip":{"type":"string"}}},
              "multi":{"type":["null","boolean"]},
              "optional":{"type":"string"}}}
            """);

        var arguments = ToolSchemaValues.Arguments(schema.RootElement);

        Assert.Equal(
            """{"s": "example", "i": 3, "n": 1.5, "b": true, "e": "celsius", "d": 42, "arr": [1], "obj": {"inner": "example"}, "multi": true}""",
            PyLiteral.Json(arguments));
        Assert.Equal("[f(s=\"example\", b=True, multi=True)]", ToolMarkups.Render("pythonic", "f", new() { ["s"] = "example", ["b"] = true, ["multi"] = true }));
    }

    [Fact]
    public void Without_a_required_list_every_property_is_filled_and_no_schema_gives_an_empty_object()
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}}}""");

        Assert.Equal("""{"city": "example", "days": 1}""", PyLiteral.Json(ToolSchemaValues.Arguments(schema.RootElement)));
        Assert.Equal("{}", PyLiteral.Json(ToolSchemaValues.Arguments(null)));
    }
}
