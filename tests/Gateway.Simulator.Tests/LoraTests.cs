using System.Net;

namespace Gateway.Simulator.Tests;

/// <summary>--lora adapters: model cards like vLLM's, requests accepted under the adapter name, unknown names 404.</summary>
public sealed class LoraTests
{
    [Fact]
    public async Task Adapters_are_listed_with_parent_and_root_and_serve_requests()
    {
        await using var server = await SimulatorServer.StartAsync(new SimulatorOptions
        {
            Port = 0, Models = ["base"], LoraAdapters = ["sql-lora=/adapters/sql", "plain-lora"],
        });
        using var client = SimHttp.CreateClient(server);

        using var models = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/v1/models"));
        var cards = models.RootElement.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(["base", "sql-lora", "plain-lora"], cards.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("/adapters/sql", cards[1].GetProperty("root").GetString());
        Assert.Equal("base", cards[1].GetProperty("parent").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cards[1].GetProperty("max_model_len").ValueKind);
        Assert.Equal("plain-lora", cards[2].GetProperty("root").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, cards[0].GetProperty("parent").ValueKind);

        var (ok, body) = await SimHttp.PostJsonAsync(client, "/v1/chat/completions", """{"model":"sql-lora","messages":[{"role":"user","content":"x"}]}""");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("sql-lora", body.GetProperty("model").GetString());

        var (missing, error) = await SimHttp.PostJsonAsync(client, "/v1/completions", """{"model":"other-lora","prompt":"x"}""");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("The model `other-lora` does not exist.", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("NotFoundError", error.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public void The_cli_takes_lora_and_lora_modules_and_rejects_a_clash()
    {
        Assert.True(SimulatorCli.TryParse(["--model", "base", "--lora", "a=/p/a", "--lora-modules", "b"], out var options, out _, out var error), error);
        Assert.Equal(["a=/p/a", "b"], options.LoraAdapters);
        Assert.False(SimulatorCli.TryParse(["--model", "base", "--lora", "base"], out _, out _, out error));
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }
}
