using System.Net;
using System.Net.Sockets;

namespace MedIoT.Testing;

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class FreeTcpPort
{
    /// <summary>
    /// Asks the kernel for a port that is free now. Another process may take it before the server
    /// binds it, so server fixtures retry with a new port when their server fails to start.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
