using System.Net;
using System.Text.Json;

namespace Gateway.Simulator.Tests;

public sealed class ModelsHandlerTests(SimulatorFixture fixture) : IClassFixture<SimulatorFixture>
{
    [Fact]
    public async Task Models_lists_one_vllm_card_per_served_name()
    {
        using var response = await fixture.Client.GetAsync("/v1/models");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var cards = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([SimulatorFixture.Model, SimulatorFixture.SecondModel], cards.Select(c => c.GetProperty("id").GetString()));
        var card = cards[0];
        Assert.Equal(
            ["id", "object", "created", "owned_by", "root", "parent", "max_model_len", "permission"],
            card.EnumerateObject().Select(p => p.Name));
        Assert.Equal("model", card.GetProperty("object").GetString());
        Assert.Equal("vllm", card.GetProperty("owned_by").GetString());
        Assert.Equal(SimulatorFixture.Model, card.GetProperty("root").GetString());
        Assert.Equal(JsonValueKind.Null, card.GetProperty("parent").ValueKind);
        Assert.Equal(4096, card.GetProperty("max_model_len").GetInt32());
        Assert.InRange(card.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        var permission = card.GetProperty("permission")[0];
        Assert.StartsWith("modelperm-", permission.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("model_permission", permission.GetProperty("object").GetString());
        Assert.True(permission.GetProperty("allow_sampling").GetBoolean());
        Assert.Equal("*", permission.GetProperty("organization").GetString());
    }
}
