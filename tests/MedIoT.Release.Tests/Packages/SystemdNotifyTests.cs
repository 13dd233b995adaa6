using System.Net.Sockets;
using System.Text;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The services as their units run them (<c>Type=notify</c>, configs/systemd/; <see cref="SystemdChild"/>) with their packaged
/// settings: each tells the service manager it is ready (<c>READY=1</c>) and that it stops (<c>STOPPING=1</c>) as datagrams on the
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

        await StopsCleanlySayingSTOPPINGAsync(gateway, notifications);
    }

    [Fact]
    public async Task Under_systemd_mediot_ledger_sends_READY_once_listening_and_STOPPING_on_SIGTERM()
    {
        using var folder = TemporaryDirectory.Create("notify-ledger");
        var files = folder.Combine("package");
        await DebianPackage.Find(ReleasePackages.Ledger.Name, ReleasePackages.Architecture).ExtractAsync(files);
        // The gateways it accepts, as docs/deployment.md §13 says: the example registry beside the packaged settings.
        File.Copy(Path.Combine(RepositoryLayout.Configs, "ledger-gateways.example.json"), Path.Combine(files, "etc", "mediot", "ledger-gateways.json"));
        using var notifications = NotifySocket.Bind(folder.Combine("notify"));
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = folder.Combine("notify"),
            ["MEDIOT_Ledger__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            ["MEDIOT_Ledger__KeyFile"] = folder.Combine("state", "key", "ledger-key.jwk"),
            ["MEDIOT_Ledger__Storage__SqlitePath"] = folder.Combine("state", "ledger.db"),
        };

        await using var ledger = await SystemdChild.StartAsync(folder,
            [RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Service", "mediot-ledger.dll"), "--settings", Path.Combine(files, "etc", "mediot", "ledger.json")],
            environment, "MedIoT.Ledger.Service[");

        Assert.Equal("READY=1", await NotifySocket.ReceiveAsync(notifications, s_timeout));
        await ledger.WaitForOutputAsync("<6>MedIoT.Ledger.Service[101] Ledger listening on"); // LedgerLogEvents.Listening
        await StopsCleanlySayingSTOPPINGAsync(ledger, notifications);
    }

    [Fact]
    public async Task Under_systemd_mediot_witness_sends_READY_once_listening_and_STOPPING_on_SIGTERM()
    {
        using var folder = TemporaryDirectory.Create("notify-witness");
        var files = folder.Combine("package");
        await DebianPackage.Find(ReleasePackages.Witness.Name, ReleasePackages.Architecture).ExtractAsync(files);
        var witness = RepositoryLayout.BuiltAssembly("ledger/MedIoT.Ledger.Witness", "mediot-witness.dll");
        var key = folder.Combine("state", "key", "witness.jwk");
        Directory.CreateDirectory(Path.GetDirectoryName(key)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // The key as docs/deployment.md §13 makes it, under the packaged Witness:Name.
        var (keygenExit, _, keygenError) = await CommandLine.RunAsync("dotnet", [witness, "keygen", "--key", key, "--name", "witness.mediot.example/w1"]);
        Assert.True(keygenExit == 0, keygenError);
        using var notifications = NotifySocket.Bind(folder.Combine("notify"));
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = folder.Combine("notify"),
            ["MEDIOT_Witness__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            ["MEDIOT_Witness__KeyFile"] = key,
            ["MEDIOT_Witness__StateFolder"] = folder.Combine("state", "state"),
            ["MEDIOT_Witness__EvidenceFolder"] = folder.Combine("state", "evidence"),
        };

        await using var service = await SystemdChild.StartAsync(folder, [witness, "--config", Path.Combine(files, "etc", "mediot", "witness.json")],
            environment, "mediot-witness listening on");

        Assert.Equal("READY=1", await NotifySocket.ReceiveAsync(notifications, s_timeout));
        await StopsCleanlySayingSTOPPINGAsync(service, notifications);
    }

    // SIGTERM, as systemctl stop sends it: STOPPING=1 on the socket, then exit code 0.
    private static async Task StopsCleanlySayingSTOPPINGAsync(SystemdChild service, Socket notifications)
    {
        var stopping = NotifySocket.ReceiveAsync(notifications, s_timeout);
        Assert.Equal(0, await service.StopAsync());
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
