namespace Gateway.Simulator.Tests;

public sealed class GenerationPlanTests
{
    [Fact]
    public void Scripted_output_ends_with_eos_as_an_empty_finish_chunk()
    {
        var plan = GenerationPlan.Create("abc", 1, 0, maxTokens: 16, maxTokensExplicit: false, []);

        Assert.Equal(["a", "b", "c"], plan.Pieces.Select(p => p.ToString()));
        Assert.Equal(string.Empty, plan.FinalText.ToString());
        Assert.Equal("stop", plan.FinishReason);
        Assert.Equal(4, plan.CompletionTokens);
        Assert.Equal(4, plan.Steps);
    }

    [Fact]
    public void Scripted_output_is_not_cut_by_the_server_default_limit()
    {
        var plan = GenerationPlan.Create(new string('x', 100), 1, 0, maxTokens: 16, maxTokensExplicit: false, []);

        Assert.Equal(100, plan.Pieces.Length);
        Assert.Equal("stop", plan.FinishReason);
    }

    [Fact]
    public void Generated_text_puts_the_last_token_in_the_finish_chunk()
    {
        var plan = GenerationPlan.Create(null, null, 42, maxTokens: 3, maxTokensExplicit: false, []);

        Assert.Equal(2, plan.Pieces.Length);
        Assert.StartsWith(" ", plan.FinalText.ToString(), StringComparison.Ordinal);
        Assert.Equal("length", plan.FinishReason);
        Assert.Equal(3, plan.CompletionTokens);
    }

    [Fact]
    public void Stop_string_spanning_pieces_truncates_the_text()
    {
        var plan = GenerationPlan.Create("ab#|#cd", 2, 0, maxTokens: 16, maxTokensExplicit: false, ["|#", "zz"]);
        var text = string.Concat(plan.Pieces.Select(p => p.ToString())) + plan.FinalText;

        Assert.Equal("ab#", text);
        Assert.Equal("stop", plan.FinishReason);
        Assert.Equal("|#", plan.StopReason);
        Assert.Equal(3, plan.CompletionTokens); // "ab", "#|", "#c": the third completes the stop string
    }
}
