using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The units the service packages install (configs/systemd/), checked by systemd itself (<c>systemd-analyze verify</c>,
/// which needs no booted systemd but does need the <c>ExecStart=</c> binary to exist) and read for the settings the
/// deployment relies on.
/// </summary>
public sealed class SystemdUnitTests
{
    [Theory]
    [MemberData(nameof(ReleasePackages.Services), MemberType = typeof(ReleasePackages))]
    public async Task The_packaged_unit_passes_systemd_analyze_verify_with_the_packaged_binary_as_ExecStart(ReleasePackage package)
    {
        var analyze = ServerBinary.Require("systemd-analyze", "systemd");
        using var folder = TemporaryDirectory.Create("unit-verify");
        var files = folder.Combine("files");
        await DebianPackage.Find(package.Name, ReleasePackages.Architecture).ExtractAsync(files);
        var unitName = $"mediot-{package.Service}.service";
        var unit = await File.ReadAllLinesAsync(Path.Combine(files, "usr", "lib", "systemd", "system", unitName));

        // systemd-analyze verify looks for ExecStart's binary on this machine (--root= alone cannot verify: it lacks the
        // system's own units). So the unit is verified as packaged, with its /usr/bin command moved into the extracted files,
        // where the command's link and the arm64 binary it points at are present.
        var execStart = Assert.Single(unit, line => line.StartsWith("ExecStart=", StringComparison.Ordinal));
        Assert.StartsWith($"ExecStart=/usr/bin/mediot-{package.Service} ", execStart, StringComparison.Ordinal);
        var moved = unit.Select(line => line == execStart ? "ExecStart=" + files + execStart["ExecStart=".Length..] : line);
        var unitPath = folder.Combine(unitName);
        await File.WriteAllLinesAsync(unitPath, moved);

        var (exitCode, output, error) = await CommandLine.RunAsync(analyze, ["verify", unitPath]);

        Assert.True(exitCode == 0 && error.Length == 0 && output.Length == 0, $"systemd-analyze verify {unitName}: exit {exitCode}\n{output}\n{error}");

        // The check is real: the same unit with its binary missing fails.
        File.Delete(Path.Combine(files, "usr", "bin", $"mediot-{package.Service}"));
        var (missingExit, _, missingError) = await CommandLine.RunAsync(analyze, ["verify", unitPath]);
        Assert.NotEqual(0, missingExit);
        Assert.Contains("is not executable", missingError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReleasePackages.Services), MemberType = typeof(ReleasePackages))]
    public async Task The_unit_is_a_notify_service_as_mediot_with_no_capabilities_and_the_JIT_allowed(ReleasePackage package)
    {
        using var folder = TemporaryDirectory.Create("unit-read");
        await DebianPackage.Find(package.Name, ReleasePackages.Architecture).ExtractAsync(folder.Path);
        var service = package.Service!;
        var settings = (await File.ReadAllLinesAsync(folder.Combine("usr", "lib", "systemd", "system", $"mediot-{service}.service")))
            .Where(line => line.Length > 0 && line[0] is not '#' and not '[')
            .Select(line => line.Split('=', 2))
            .ToLookup(pair => pair[0], pair => pair[1]);

        Assert.Equal(["notify"], settings["Type"]);
        Assert.Equal(["on-failure"], settings["Restart"]);
        Assert.Equal(["mediot"], settings["User"]);
        Assert.Equal([$"mediot/{service}"], settings["StateDirectory"]);
        Assert.Equal(["0700"], settings["StateDirectoryMode"]);
        Assert.Equal(["0077"], settings["UMask"]);
        Assert.Equal([string.Empty], settings["CapabilityBoundingSet"]);
        Assert.Equal([string.Empty], settings["AmbientCapabilities"]);
        foreach (var on in new[] { "NoNewPrivileges", "ProtectHome", "PrivateTmp", "ProtectKernelTunables", "LockPersonality", "RestrictRealtime" })
        {
            Assert.True(settings[on].SequenceEqual(["yes"]), $"{on}=yes is missing");
        }

        Assert.Equal(["strict"], settings["ProtectSystem"]);
        Assert.Equal(["native"], settings["SystemCallArchitectures"]);
        Assert.Equal(["AF_UNIX AF_INET AF_INET6"], settings["RestrictAddressFamilies"]);
        // The .NET JIT maps the code it writes executable; MemoryDenyWriteExecute=yes would stop the process at start.
        Assert.Empty(settings["MemoryDenyWriteExecute"]);
        // The journal's last group commit and checkpoint at SIGTERM must finish within the host's 30 s shutdown timeout,
        // before systemd would send SIGKILL.
        var stop = Assert.Single(settings["TimeoutStopSec"]);
        Assert.True(int.Parse(stop.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) > 30, $"TimeoutStopSec={stop}");
        if (service == "gateway")
        {
            Assert.Equal(["dialout"], settings["SupplementaryGroups"]);
            Assert.Equal(["closed"], settings["DevicePolicy"]);
            // Serial adapters, and the GPIO chips and I2C buses of sensors wired to the gateway (docs/attached-sensors.md).
            Assert.Equal(["char-ttyS rw", "char-ttyUSB rw", "char-ttyACM rw", "char-gpiochip rw", "char-i2c rw"], settings["DeviceAllow"]);
        }
        else
        {
            Assert.Empty(settings["SupplementaryGroups"]);
            Assert.Equal(["yes"], settings["PrivateDevices"]);
        }
    }
}
