using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// A folder that dpkg treats as a whole system (<c>dpkg --root</c>), so a package is installed, upgraded, removed and purged
/// with its real maintainer scripts and nothing on this machine changes. The scripts run outside a chroot
/// (<c>--force-script-chrootless</c>, dpkg(1)) with <c>DPKG_ROOT</c> set, and make their user and folders inside this root.
/// The root holds only an empty package database and the account files of a fresh Debian system (root and dialout), so the
/// packages' library dependencies are not installed here and are forced (<c>--force-depends</c>); their names are checked
/// from the control file instead.
/// </summary>
public sealed class ThrowAwayRoot : IDisposable
{
    private readonly TemporaryDirectory _folder;

    private ThrowAwayRoot(TemporaryDirectory folder) => _folder = folder;

    public string Path => _folder.Path;

    /// <summary>A new root that accepts packages of <paramref name="debianArchitecture"/>.</summary>
    public static async Task<ThrowAwayRoot> CreateAsync(string debianArchitecture)
    {
        var root = new ThrowAwayRoot(TemporaryDirectory.Create("dpkg-root"));
        try
        {
            Directory.CreateDirectory(root.Combine("etc"));
            foreach (var folder in new[] { "info", "updates", "triggers" })
            {
                Directory.CreateDirectory(root.Combine("var", "lib", "dpkg", folder));
            }

            Directory.CreateDirectory(root.Combine("var", "log"));
            await File.WriteAllTextAsync(root.Combine("var", "lib", "dpkg", "status"), string.Empty);
            await File.WriteAllTextAsync(root.Combine("var", "lib", "dpkg", "available"), string.Empty);
            await File.WriteAllTextAsync(root.Combine("etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            await File.WriteAllTextAsync(root.Combine("etc", "group"), "root:x:0:\ndialout:x:20:\n");
            await File.WriteAllTextAsync(root.Combine("etc", "shadow"), "root:*:20000:0:99999:7:::\n");
            await File.WriteAllTextAsync(root.Combine("etc", "gshadow"), "root:*::\ndialout:*::\n");
            await root.DpkgAsync("--add-architecture", debianArchitecture);
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    /// <summary>A path inside the root: <c>Combine("etc", "mediot")</c> is this root's <c>/etc/mediot</c>.</summary>
    public string Combine(params string[] parts) => _folder.Combine(parts);

    /// <summary>An absolute installed path (<c>/etc/mediot/gateway.json</c>) inside this root.</summary>
    public string Installed(string absolutePath) => _folder.Path + absolutePath;

    /// <summary>Runs dpkg on this root (<c>-i</c>, <c>-r</c>, <c>-P</c>, ...); a failure fails the test with dpkg's output.</summary>
    public async Task<string> DpkgAsync(params string[] arguments)
    {
        var dpkg = ServerBinary.Require("dpkg", "dpkg");
        string[] all = [$"--root={Path}", $"--log={Combine("var", "log", "dpkg.log")}", "--force-script-chrootless", "--force-depends", .. arguments];
        var (exitCode, output, error) = await CommandLine.RunAsync(dpkg, all);
        return exitCode == 0 ? output + error
            : throw new InvalidOperationException($"dpkg {string.Join(' ', all)} failed ({exitCode}):\n{output}\n{error}");
    }

    /// <summary>The numeric id of <paramref name="name"/> in this root's <paramref name="file"/> (<c>passwd</c> or <c>group</c>), or null.</summary>
    public int? AccountId(string file, string name) =>
        File.ReadLines(Combine("etc", file))
            .Select(line => line.Split(':'))
            .Where(fields => fields[0] == name)
            .Select(fields => (int?)int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();

    public void Dispose() => _folder.Dispose();
}
