using System.Text;
using Gateway.Streams.Relay;

namespace Gateway.Streams.Tests.Relay;

public class ModelNameRestorerSpec
{
    private static string Restore(string json, string model = "qwen") =>
        Encoding.UTF8.GetString(new ModelNameRestorer(model).Restore(Encoding.UTF8.GetBytes(json)).Span);

    [Fact]
    public void Replaces_only_the_top_level_model_and_keeps_every_other_byte()
    {
        Assert.Equal(
            """{"id":"x", "object":"chat.completion","model":"qwen","choices":[{"model":"inner"}]}""",
            Restore("""{"id":"x", "object":"chat.completion","model":"Qwen\/Qwen2.5-7B","choices":[{"model":"inner"}]}"""));
    }

    [Fact]
    public void Encodes_the_client_name_as_json()
    {
        Assert.Equal("""{"model":"a\"b/ü"}""", Restore("""{"model":"x"}""", "a\"b/ü"));
    }

    [Theory]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""{"model":null}""")]
    [InlineData("not json")]
    [InlineData("[DONE]")]
    public void Leaves_a_body_without_a_model_string_alone(string json)
    {
        Assert.Equal(json, Restore(json));
    }
}
