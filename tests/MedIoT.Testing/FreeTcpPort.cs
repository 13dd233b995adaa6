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

    /// <summary>
    /// Starts a server with <paramref name="attempt"/>, which probes its own ports; a start that fails
    /// (most likely another process took a port between probing and binding) is tried again with new ports.
    /// </summary>
    /// <exception cref="InvalidOperationException">Every attempt failed; <paramref name="folder"/> is deleted.</exception>
    public static async Task<TServer> StartWithRetriesAsync<TServer>(string serverName, TemporaryDirectory folder, Func<Task<TServer>> attempt)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(attempt);
        const int Attempts = 3;
        Exception? lastFailure = null;
        for (var i = 0; i < Attempts; i++)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (InvalidOperationException exception)
            {
                lastFailure = exception;
            }
        }

        folder.Dispose();
        throw new InvalidOperationException($"{serverName} did not start after {Attempts} attempts.", lastFailure);
    }
}
