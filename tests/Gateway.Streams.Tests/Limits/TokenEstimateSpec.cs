using System.Text.Json;
using Gateway.Streams.Limits;

namespace Gateway.Streams.Tests.Limits;

public class TokenEstimateSpec
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Chat_counts_four_characters_per_token_plus_the_template_per_message()
    {
        var body = Json("""{"messages":[{"role":"system","content":"12345678"},{"role":"user","content":[{"type":"text","text":"abcd"}]}]}""");
        Assert.Equal(4 + 4 + 3, TokenEstimate.Prompt(body));
    }

    [Fact]
    public void Tool_definitions_count_as_prompt_text()
    {
        var tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]""";
        var body = Json($$"""{"messages":[{"role":"user","content":"abcd"}],"tools":{{tools}}}""");
        Assert.Equal(4 + 1 + ((tools.Length + 3) / 4), TokenEstimate.Prompt(body));
    }

    [Fact]
    public void Completions_count_strings_and_token_ids()
    {
        Assert.Equal(2, TokenEstimate.Prompt(Json("""{"prompt":"abcdefg"}""")));
        Assert.Equal(3, TokenEstimate.Prompt(Json("""{"prompt":[1,2,3]}""")));
        Assert.Equal(1, TokenEstimate.Prompt(Json("""{"input":"hey"}""")));
    }

    [Fact]
    public void The_output_budget_is_the_stated_maximum_or_what_the_context_leaves()
    {
        Assert.Equal(7, TokenEstimate.Output(Json("""{"max_completion_tokens":7,"max_tokens":99}"""), 10, 100));
        Assert.Equal(99, TokenEstimate.Output(Json("""{"max_tokens":99}"""), 10, 100));
        Assert.Equal(90, TokenEstimate.Output(Json("""{}"""), 10, 100));
    }

    [Theory]
    [InlineData("\"🎉🎉🎉🎉\"")]
    [InlineData("\"\\ud83c\\udf89\\ud83c\\udf89🎉🎉\"")]
    [InlineData("\"héllo wo\"")]
    [InlineData("\"h\\u00e9llo wo\"")]
    public void Text_counts_its_utf16_characters_escaped_or_not(string content)
    {
        var body = Json($$"""{"messages":[{"role":"user","content":{{content}}}]}""");
        Assert.Equal(4 + 2, TokenEstimate.Prompt(body)); // 8 UTF-16 characters: 2 tokens, plus the message's 4
    }
}
