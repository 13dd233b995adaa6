using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The gateway as its unit runs it (<c>Type=notify</c>, configs/systemd/mediot-gateway.service), with the settings its package
/// ships: it tells the service manager it is ready (<c>READY=1</c>) and that it stops (<c>STOPPING=1</c>) as datagrams on the
/// <c>$NOTIFY_SOCKET</c> unix socket (sd_notify(3)), and writes journald log lines (<c>&lt;6&gt;</c> priority, event id).
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Hosting.Systemd turns this on only when the process's parent is named <c>systemd</c>
/// (<c>SystemdHelpers.IsSystemdService</c> reads <c>/proc/&lt;ppid&gt;/comm</c>). No systemd is booted here, so the parent is
/// /bin/sh started through a link named <c>systemd</c> (the kernel names a process after the file it ran); the socket is a
/// real unix datagram socket this test reads, as systemd would.
/// </remarks>
public sealed class SystemdNotifyTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Under_systemd_the_gateway_sends_READY_after_opening_its_journal_and_STOPPING_on_SIGTERM_with_journald_log_lines()
    {
        using var folder = TemporaryDirectory.Create("notify");
        var files = folder.Combine("files");
        await DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).ExtractAsync(files);
        var registry = folder.Combine("devices.json");
        await File.WriteAllTextAsync(registry, "{\"devices\":[]}");
        var shell = folder.Combine("systemd");
        File.CreateSymbolicLink(shell, "/bin/sh");

        using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var socketPath = folder.Combine("notify");
        notifications.Bind(new UnixDomainSocketEndPoint(socketPath));

        // The packaged settings with their state paths moved into this test's folder, as MEDIOT_ variables override them.
        // No broker and no InfluxDB listen on the ports given: the gateway retries them, and is ready meanwhile.
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = socketPath,
            ["MEDIOT_Gateway__DeviceRegistryPath"] = registry,
            ["MEDIOT_Gateway__Journal__Folder"] = folder.Combine("state", "journal"),
            ["MEDIOT_Gateway__Identity__KeyFile"] = folder.Combine("state", "identity", "gateway-key.jwk"),
            ["MEDIOT_Gateway__Access__KeysFolder"] = folder.Combine("state", "access-keys"),
            ["MEDIOT_Gateway__Alerts__OutboxFolder"] = folder.Combine("state", "alerts-outbox"),
            ["MEDIOT_Gateway__Serial__StateFolder"] = folder.Combine("state", "serial"),
            ["MEDIOT_Gateway__Http__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            ["MEDIOT_Gateway__Mqtt__Port"] = FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture),
            ["MEDIOT_Gateway__Influx__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}/",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var gatewayAssembly = RepositoryLayout.BuiltAssembly("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll");
        var settings = Path.Combine(files, "etc", "mediot", "gateway.json");

        // "; echo": the shell waits for the gateway instead of replacing itself with it, so it stays the parent.
        await using var parent = await ServerProcess.StartAsync("gateway under systemd", shell,
            ["-c", "\"$@\"; echo \"gateway exit code $?\"", "systemd", "dotnet", gatewayAssembly, "--settings", settings],
            "starting with 0 registered devices", s_timeout, folder.Path, environment);
        var gateway = GatewayProcessId(parent.ProcessId);
        try
        {
            Assert.Equal("READY=1", await ReceiveAsync(notifications));
            // READY=1 follows the host's start, which opens the journal first (GatewayLogEvents.JournalOpened = 80).
            Assert.Contains("<6>MedIoT.Gateway.Journal.JournalWriterService[80] Journal open in", parent.RecentOutput, StringComparison.Ordinal);
            // journald's form: syslog priority (6 informational, 4 warning; RFC 5424 §6.2.1), category, event id; no timestamp.
            Assert.All(parent.RecentOutput.Split(Environment.NewLine).Where(line => line.Length > 0),
                line => Assert.Matches(@"^<[0-7]>[\w.]+\[\d+\] ", line));

            var (exitCode, _, error) = await CommandLine.RunAsync("kill", ["-TERM", gateway.ToString(CultureInfo.InvariantCulture)]);
            Assert.True(exitCode == 0, error);

            Assert.Equal("STOPPING=1", await ReceiveAsync(notifications));
            await parent.WaitForOutputAsync("gateway exit code 0", s_timeout);
        }
        finally
        {
            EndIfRunning(gateway);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(s_timeout);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.ASCII.GetString(buffer, 0, received).Trim('\n');
    }

    /// <summary>The shell's one child, the gateway (proc(5), <c>/proc/PID/task/TID/children</c>).</summary>
    private static int GatewayProcessId(int shell)
    {
        var children = File.ReadAllText($"/proc/{shell}/task/{shell}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(Assert.Single(children), CultureInfo.InvariantCulture);
    }

    private static void EndIfRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }
}
