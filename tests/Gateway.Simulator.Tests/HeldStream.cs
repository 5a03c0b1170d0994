namespace Gateway.Simulator.Tests;

/// <summary>A streaming request read in the background until the test lets go (which disconnects the client).</summary>
internal sealed class HeldStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(30));
    private readonly Task _reading;

    private HeldStream(HttpClient client, string path, string json) => _reading = ReadAsync(client, path, json);

    public static HeldStream Start(HttpClient client, string json, string path = "/v1/chat/completions") => new(client, path, json);

    /// <summary>Cancels the read (the connection is dropped) and waits for the reader to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
        }

        _cts.Dispose();
    }

    private async Task ReadAsync(HttpClient client, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = SimHttp.Json(json) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cts.Token);
        await using var stream = await response.Content.ReadAsStreamAsync(_cts.Token);
        await stream.CopyToAsync(Stream.Null, _cts.Token);
    }
}
