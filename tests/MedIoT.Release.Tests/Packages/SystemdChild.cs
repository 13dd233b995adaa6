using System.Diagnostics;
using System.Globalization;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// A MedIoT service started as systemd starts a unit's <c>ExecStart=</c>: as the child of a process named <c>systemd</c>,
/// with <c>NOTIFY_SOCKET</c> in its environment.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Hosting.Systemd turns on <c>Type=notify</c> and the journald log form only when the process's parent
/// is named <c>systemd</c> (<c>SystemdHelpers.IsSystemdService</c> reads <c>/proc/&lt;ppid&gt;/comm</c>). No systemd is booted
/// here, so the parent is /bin/sh started through a link named <c>systemd</c> (the kernel names a process after the file it
/// ran), which waits for the service and prints its exit code.
/// </remarks>
public sealed class SystemdChild : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private const string ExitLine = "service exit code ";
    private readonly ServerProcess _parent;

    private SystemdChild(ServerProcess parent, int processId)
    {
        _parent = parent;
        ProcessId = processId;
    }

    /// <summary>The service's process id.</summary>
    public int ProcessId { get; }

    /// <summary>What the service printed lately.</summary>
    public string RecentOutput => _parent.RecentOutput;

    /// <summary>
    /// Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="folder"/> with <paramref name="environment"/> under a
    /// parent named <c>systemd</c>; returns once it printed a line containing <paramref name="firstLine"/>.
    /// </summary>
    public static async Task<SystemdChild> StartAsync(TemporaryDirectory folder, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment, string firstLine)
    {
        var shell = folder.Combine("systemd");
        File.CreateSymbolicLink(shell, "/bin/sh");
        // "; echo": the shell waits for the service instead of replacing itself with it, so it stays the parent.
        var parent = await ServerProcess.StartAsync("service under systemd", shell,
            ["-c", $"\"$@\"; echo \"{ExitLine}$?\"", "systemd", "dotnet", .. arguments],
            firstLine, s_timeout, folder.Path, new Dictionary<string, string>(environment) { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        try
        {
            var children = (await File.ReadAllTextAsync($"/proc/{parent.ProcessId}/task/{parent.ProcessId}/children"))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new SystemdChild(parent, int.Parse(Assert.Single(children), CultureInfo.InvariantCulture));
        }
        catch
        {
            await parent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Returns once the service printed a line containing <paramref name="marker"/>.</summary>
    public Task WaitForOutputAsync(string marker) => _parent.WaitForOutputAsync(marker, s_timeout);

    /// <summary>Sends the service SIGTERM, as <c>systemctl stop</c> does, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        var (exitCode, _, error) = await CommandLine.RunAsync("kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(exitCode == 0, error);
        await _parent.WaitForOutputAsync(ExitLine, s_timeout);
        var line = _parent.RecentOutput.Split(Environment.NewLine).Last(l => l.StartsWith(ExitLine, StringComparison.Ordinal));
        return int.Parse(line[ExitLine.Length..], CultureInfo.InvariantCulture);
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
