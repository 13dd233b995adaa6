using System.Net;
using System.Net.Sockets;

namespace MedIoT.Mqtt.Tests.Support;

/// <summary>
/// A TCP relay on a loopback port in front of a real broker, so a test can cut a client's connection the
/// way a failing network does (a reset, no DISCONNECT) while the broker keeps running. New connections are
/// relayed again after a cut.
/// </summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly List<(Socket Client, Socket Upstream)> _pairs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    public LoopbackProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many client connections were relayed so far.</summary>
    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>Resets every relayed connection on both sides.</summary>
    public void Cut()
    {
        lock (_pairs)
        {
            foreach (var (client, upstream) in _pairs)
            {
                Reset(client);
                Reset(upstream);
            }

            _pairs.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _acceptLoop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            }
            catch (SocketException)
            {
                Reset(client);
                upstream.Dispose();
                continue;
            }

            client.NoDelay = true;
            lock (_pairs)
            {
                _pairs.Add((client, upstream));
            }

            Interlocked.Increment(ref _accepted);
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            Reset(from);
            Reset(to);
        }
    }
}
