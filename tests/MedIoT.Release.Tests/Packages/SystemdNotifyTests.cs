using System.Net.Sockets;
using System.Text;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The gateway as its unit runs it (<c>Type=notify</c>, configs/systemd/mediot-gateway.service; <see cref="PackagedGateway"/>):
/// it tells the service manager it is ready (<c>READY=1</c>) and that it stops (<c>STOPPING=1</c>) as datagrams on the
/// <c>$NOTIFY_SOCKET</c> unix socket (sd_notify(3)), and writes journald log lines (<c>&lt;6&gt;</c> priority, event id).
/// The socket is a real unix datagram socket this test reads, as systemd would.
/// </summary>
public sealed class SystemdNotifyTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Under_systemd_the_gateway_sends_READY_after_opening_its_journal_and_STOPPING_on_SIGTERM_with_journald_log_lines()
    {
        using var folder = TemporaryDirectory.Create("notify");
        var registry = folder.Combine("devices.json");
        await File.WriteAllTextAsync(registry, "{\"devices\":[]}");
        using var notifications = NotifySocket.Bind(folder.Combine("notify"));

        await using var gateway = await PackagedGateway.StartAsync(folder, folder.Combine("state"), registry, folder.Combine("notify"));

        Assert.Equal("READY=1", await NotifySocket.ReceiveAsync(notifications, s_timeout));
        // READY=1 follows the host's start, which opens the journal first (GatewayLogEvents.JournalOpened = 80).
        Assert.Contains("<6>MedIoT.Gateway.Journal.JournalWriterService[80] Journal open in", gateway.RecentOutput, StringComparison.Ordinal);
        // journald's form: syslog priority (6 informational, 4 warning; RFC 5424 §6.2.1), category, event id; no timestamp.
        Assert.All(gateway.RecentOutput.Split(Environment.NewLine).Where(line => line.Length > 0),
            line => Assert.Matches(@"^<[0-7]>[\w.]+\[\d+\] ", line));

        var stopping = NotifySocket.ReceiveAsync(notifications, s_timeout);
        Assert.Equal(0, await gateway.StopAsync());
        Assert.Equal("STOPPING=1", await stopping);
    }
}

/// <summary>The service manager's end of sd_notify(3): a unix datagram socket the service sends <c>KEY=VALUE</c> lines to.</summary>
internal static class NotifySocket
{
    public static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    public static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.ASCII.GetString(buffer, 0, received).Trim('\n');
    }
}
