namespace Gateway.Streams.Proxy;

/// <summary>The answer to a request whose client left: nobody reads it, the request only has to end.</summary>
internal static class ClientClosed
{
    public static GatewayError Error { get; } = new(499, "The client closed the request.", "client_closed", "client_closed_request");
}
