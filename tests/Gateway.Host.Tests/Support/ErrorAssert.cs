using System.Net;
using System.Text.Json;

namespace Gateway.Host.Tests.Support;

public static class ErrorAssert
{
    /// <summary>Asserts the status and that the body is the OpenAI envelope with the given code.</summary>
    public static async Task<JsonElement> IsOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(body);
        var error = doc.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _));
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error.Clone();
    }
}
