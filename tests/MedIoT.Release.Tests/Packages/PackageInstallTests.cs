using System.Globalization;
using System.Text.Json;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The service packages installed, upgraded, removed and purged by dpkg with their real maintainer scripts, in a
/// <see cref="ThrowAwayRoot"/>: the <c>mediot</c> user and the owner-only state appear in that root and nowhere else.
/// </summary>
public sealed class PackageInstallTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Theory]
    [MemberData(nameof(ReleasePackages.Services), MemberType = typeof(ReleasePackages))]
    public async Task Installing_makes_the_mediot_system_user_and_owner_only_state_inside_the_root_only(ReleasePackage package)
    {
        var hostAccounts = await File.ReadAllTextAsync("/etc/passwd") + await File.ReadAllTextAsync("/etc/group");
        using var root = await ThrowAwayRoot.CreateAsync(ReleasePackages.Architecture);

        await root.DpkgAsync("--install", DebianPackage.Find(package.Name, ReleasePackages.Architecture).Path);

        Assert.Contains("Status: install ok installed", await root.DpkgAsync("--status", package.Name), StringComparison.Ordinal);
        var uid = root.AccountId("passwd", "mediot");
        var gid = root.AccountId("group", "mediot");
        Assert.NotNull(uid);
        Assert.NotNull(gid);
        Assert.InRange(uid.Value, 1, 999); // a system account (adduser.conf's FIRST_SYSTEM_UID..LAST_SYSTEM_UID, login.defs SYS_UID_MAX)
        var entry = (await File.ReadAllLinesAsync(root.Combine("etc", "passwd"))).Single(line => line.StartsWith("mediot:", StringComparison.Ordinal));
        Assert.EndsWith(":/var/lib/mediot:/usr/sbin/nologin", entry, StringComparison.Ordinal);
        Assert.Equal(hostAccounts, await File.ReadAllTextAsync("/etc/passwd") + await File.ReadAllTextAsync("/etc/group"));

        var state = root.Installed($"/var/lib/mediot/{package.Service}");
        string[] folders = [state, .. Directory.GetDirectories(state)];
        Assert.True(folders.Length > 1, $"{state} has no state folders");
        foreach (var folder in folders)
        {
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(folder));
            Assert.Equal((uid.Value, gid.Value), await OwnerAsync(folder));
        }

        // Every folder the installed settings put state in exists before the first start, owner-only, so keys can be
        // provisioned into it (a key file's folder, a database's folder, a state folder).
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(root.Installed($"/etc/mediot/{package.Service}.json")));
        foreach (var setting in ReleasePackages.StateSettings(package.Service!))
        {
            var path = ReleasePackages.Setting(settings, setting);
            var folder = root.Installed(setting.EndsWith("Folder", StringComparison.Ordinal) ? path : Path.GetDirectoryName(path)!);
            Assert.True(Directory.Exists(folder), $"{setting}: {folder} was not made by the postinst");
            Assert.Contains(folder, folders);
        }

        foreach (var (app, executable) in package.Applications)
        {
            var command = root.Installed($"/usr/bin/mediot-{app}");
            Assert.Equal(root.Installed($"/usr/lib/mediot/{app}/{executable}"), Path.GetFullPath(File.ResolveLinkTarget(command, returnFinalTarget: true)!.FullName));
        }
    }

    [Fact]
    public async Task On_a_Raspberry_Pi_the_gateway_user_joins_the_gpio_and_i2c_groups_for_its_wired_sensors_and_on_a_PC_no_group_is_made()
    {
        var deb = DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).Path;
        using var pi = await ThrowAwayRoot.CreateAsync(ReleasePackages.Architecture);
        // Raspberry Pi OS's groups owning /dev/gpiochip* and /dev/i2c-*, the gpio group already with a member.
        await File.AppendAllTextAsync(pi.Combine("etc", "group"), "gpio:x:993:pi\ni2c:x:994:\n");
        await File.AppendAllTextAsync(pi.Combine("etc", "gshadow"), "gpio:!::pi\ni2c:!::\n");

        await pi.DpkgAsync("--install", deb);
        await pi.DpkgAsync("--install", deb); // the upgrade path: joined once, not twice

        var groups = await File.ReadAllLinesAsync(pi.Combine("etc", "group"));
        Assert.Contains("gpio:x:993:pi,mediot", groups);
        Assert.Contains("i2c:x:994:mediot", groups);

        using var pc = await ThrowAwayRoot.CreateAsync(ReleasePackages.Architecture);
        await pc.DpkgAsync("--install", deb);
        var pcGroups = await File.ReadAllLinesAsync(pc.Combine("etc", "group"));
        Assert.DoesNotContain(pcGroups, line => line.StartsWith("gpio:", StringComparison.Ordinal) || line.StartsWith("i2c:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upgrading_over_an_installed_gateway_keeps_its_journal_and_its_user()
    {
        using var root = await ThrowAwayRoot.CreateAsync(ReleasePackages.Architecture);
        var deb = DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).Path;
        await root.DpkgAsync("--install", deb);
        var entries = root.Installed("/var/lib/mediot/gateway/journal/entries");
        await File.WriteAllBytesAsync(entries, [1, 2, 3]);
        var changedSettings = root.Installed("/etc/mediot/gateway.json");
        var settings = (await File.ReadAllTextAsync(changedSettings)).Replace("\"gw-local\"", "\"gw-ward-7a\"", StringComparison.Ordinal);
        await File.WriteAllTextAsync(changedSettings, settings);

        // The same package again: dpkg runs the upgrade path (prerm upgrade, postinst configure <installed version>).
        await root.DpkgAsync("--install", deb);

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(entries));
        Assert.Equal(settings, await File.ReadAllTextAsync(changedSettings));
        Assert.Single(await File.ReadAllLinesAsync(root.Combine("etc", "passwd")), line => line.StartsWith("mediot:", StringComparison.Ordinal));
        Assert.Single(await File.ReadAllLinesAsync(root.Combine("etc", "group")), line => line.StartsWith("mediot:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remove_keeps_settings_and_state_and_purge_deletes_the_settings_but_never_the_journal_or_keys()
    {
        using var root = await ThrowAwayRoot.CreateAsync(ReleasePackages.Architecture);
        await root.DpkgAsync("--install", DebianPackage.Find(ReleasePackages.Gateway.Name, ReleasePackages.Architecture).Path);
        var entries = root.Installed("/var/lib/mediot/gateway/journal/entries");
        var key = root.Installed("/var/lib/mediot/gateway/identity/gateway-key.jwk");
        await File.WriteAllBytesAsync(entries, [4, 5, 6]);
        await File.WriteAllTextAsync(key, "{}");

        await root.DpkgAsync("--remove", ReleasePackages.Gateway.Name);

        Assert.False(File.Exists(root.Installed("/usr/lib/mediot/gateway/MedIoT.Gateway")));
        Assert.False(File.Exists(root.Installed("/usr/lib/systemd/system/mediot-gateway.service")));
        Assert.True(File.Exists(root.Installed("/etc/mediot/gateway.json")));
        Assert.Equal([4, 5, 6], await File.ReadAllBytesAsync(entries));

        var purge = await root.DpkgAsync("--purge", ReleasePackages.Gateway.Name);

        Assert.False(File.Exists(root.Installed("/etc/mediot/gateway.json")));
        Assert.False(Directory.Exists(root.Installed("/etc/mediot/gateway-secrets")));
        Assert.Equal([4, 5, 6], await File.ReadAllBytesAsync(entries));
        Assert.Equal("{}", await File.ReadAllTextAsync(key));
        Assert.Contains("its state (journal, keys) is kept in /var/lib/mediot/gateway", purge, StringComparison.Ordinal);
        Assert.NotNull(root.AccountId("passwd", "mediot"));
    }

    private static async Task<(int Uid, int Gid)> OwnerAsync(string path)
    {
        var (exitCode, output, error) = await CommandLine.RunAsync("stat", ["--format=%u %g", path]);
        Assert.True(exitCode == 0, error);
        var ids = output.Trim().Split(' ').Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToArray();
        return (ids[0], ids[1]);
    }
}
