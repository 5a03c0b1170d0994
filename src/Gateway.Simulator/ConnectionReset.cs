using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Gateway.Simulator;

/// <summary>Drops a connection with a TCP reset (linger 0) where the transport exposes the socket, else a plain abort.</summary>
internal static class ConnectionReset
{
    public static void Abort(HttpContext context)
    {
        if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Already closing: the abort below is all that is left to do.
            }
        }

        context.Abort();
    }
}
