using System.Net.Sockets;
using System.Text;

namespace Gateway.Host.Tests.Support;

/// <summary>Bytes on a loopback socket, for requests an HttpClient refuses to send (bad headers, trickled bodies).</summary>
public static class RawHttp
{
    public static async Task<TcpClient> ConnectAsync(Uri baseUrl)
    {
        var client = new TcpClient();
        await client.ConnectAsync(baseUrl.Host, baseUrl.Port);
        return client;
    }

    /// <summary>Sends <paramref name="request"/> as is and reads the response until the server closes or <paramref name="bound"/> passes.</summary>
    public static async Task<string> SendAsync(Uri baseUrl, byte[] request, TimeSpan? bound = null)
    {
        using var client = await ConnectAsync(baseUrl);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        return await ReadResponseAsync(stream, bound ?? TimeSpan.FromSeconds(10));
    }

    public static Task<string> SendAsync(Uri baseUrl, string request, TimeSpan? bound = null) =>
        SendAsync(baseUrl, Encoding.Latin1.GetBytes(request), bound);

    /// <summary>One response: headers, then the body by Content-Length (or until the connection closes).</summary>
    public static async Task<string> ReadResponseAsync(NetworkStream stream, TimeSpan bound)
    {
        using var cts = new CancellationTokenSource(bound);
        var received = new List<byte>();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    break;
                }

                received.AddRange(buffer.AsSpan(0, n).ToArray());
                if (Complete(Encoding.Latin1.GetString([.. received])))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // closed or reset by the server, or the bound passed: return what arrived
        }

        return Encoding.UTF8.GetString([.. received]);
    }

    public static int Status(string response) =>
        response.Length > 12 ? int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0;

    public static string Body(string response) =>
        response.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var i and >= 0 ? response[(i + 4)..] : "";

    public static string? Header(string response, string name)
    {
        foreach (var line in response.Split("\r\n"))
        {
            if (line.Length == 0)
            {
                break;
            }

            if (line.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }

    private static bool Complete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var length = Header(text, "Content-Length");
        return length is not null && text.Length - (end + 4) >= int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
    }
}
