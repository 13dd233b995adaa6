using System.Diagnostics;
using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The gateway (the tests' own build, <c>dotnet MedIoT.Gateway.dll</c>) run as its unit runs it: with the settings file the
/// arm64 <c>mediot-gateway</c> package ships, under a parent process named <c>systemd</c>, with <c>NOTIFY_SOCKET</c> set.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Hosting.Systemd turns on <c>Type=notify</c> and the journald log form only when the process's parent
/// is named <c>systemd</c> (<c>SystemdHelpers.IsSystemdService</c> reads <c>/proc/&lt;ppid&gt;/comm</c>). No systemd is booted
/// here, so the parent is /bin/sh started through a link named <c>systemd</c> (the kernel names a process after the file it
/// ran). The packaged settings' absolute paths (<c>/var/lib/mediot/gateway/...</c>, <c>/etc/mediot/devices.json</c>) are
/// moved into the test's folder by <c>MEDIOT_</c> variables; no broker and no InfluxDB listen on the ports given (the
/// gateway retries them and is ready meanwhile).
/// </remarks>
public sealed class PackagedGateway : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private readonly ServerProcess _parent;

    private PackagedGateway(ServerProcess parent, int gatewayProcessId)
    {
        _parent = parent;
        ProcessId = gatewayProcessId;
    }

    /// <summary>The gateway's process id (its parent is the shell named <c>systemd</c>).</summary>
    public int ProcessId { get; }

    /// <summary>What the gateway printed lately.</summary>
    public string RecentOutput => _parent.RecentOutput;

    /// <summary>
    /// Starts the gateway with its state in <paramref name="stateFolder"/> (the layout of <c>/var/lib/mediot/gateway</c>),
    /// the registry <paramref name="registry"/>, notifying <paramref name="notifySocket"/>; returns once it printed its first line.
    /// </summary>
    public static async Task<PackagedGateway> StartAsync(TemporaryDirectory folder, string stateFolder, string registry, string notifySocket)
    {
        var files = folder.Combine("package");
        await DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).ExtractAsync(files);
        var shell = folder.Combine("systemd");
        File.CreateSymbolicLink(shell, "/bin/sh");
        var environment = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notifySocket,
            ["MEDIOT_Gateway__DeviceRegistryPath"] = registry,
            ["MEDIOT_Gateway__Journal__Folder"] = Path.Combine(stateFolder, "journal"),
            ["MEDIOT_Gateway__Identity__KeyFile"] = Path.Combine(stateFolder, "identity", "gateway-key.jwk"),
            ["MEDIOT_Gateway__Access__KeysFolder"] = Path.Combine(stateFolder, "access-keys"),
            ["MEDIOT_Gateway__Alerts__OutboxFolder"] = Path.Combine(stateFolder, "alerts-outbox"),
            ["MEDIOT_Gateway__Serial__StateFolder"] = Path.Combine(stateFolder, "serial"),
            ["MEDIOT_Gateway__Http__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}",
            ["MEDIOT_Gateway__Mqtt__Port"] = FreeTcpPort.Next().ToString(CultureInfo.InvariantCulture),
            ["MEDIOT_Gateway__Influx__Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}/",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        var gatewayAssembly = RepositoryLayout.BuiltAssembly("gateway/MedIoT.Gateway", "MedIoT.Gateway.dll");
        var settings = Path.Combine(files, "etc", "mediot", "gateway.json");

        // "; echo": the shell waits for the gateway instead of replacing itself with it, so it stays the parent.
        var parent = await ServerProcess.StartAsync("gateway under systemd", shell,
            ["-c", "\"$@\"; echo \"gateway exit code $?\"", "systemd", "dotnet", gatewayAssembly, "--settings", settings],
            "MedIoT.Gateway[", s_timeout, folder.Path, environment);
        try
        {
            var children = (await File.ReadAllTextAsync($"/proc/{parent.ProcessId}/task/{parent.ProcessId}/children"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new PackagedGateway(parent, int.Parse(Assert.Single(children), CultureInfo.InvariantCulture));
        }
        catch
        {
            await parent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Returns once the gateway printed a line containing <paramref name="marker"/>.</summary>
    public Task WaitForOutputAsync(string marker) => _parent.WaitForOutputAsync(marker, s_timeout);

    /// <summary>Sends the gateway SIGTERM, as <c>systemctl stop</c> does, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        var (exitCode, _, error) = await CommandLine.RunAsync("kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(exitCode == 0, error);
        await _parent.WaitForOutputAsync("gateway exit code ", s_timeout);
        var line = _parent.RecentOutput.Split(Environment.NewLine).Last(l => l.StartsWith("gateway exit code ", StringComparison.Ordinal));
        return int.Parse(line["gateway exit code ".Length..], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }

        await _parent.DisposeAsync();
    }
}
