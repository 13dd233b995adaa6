using System.Globalization;
using MedIoT.Release.Tests.Fixtures;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// One built <c>.deb</c> of the release (configs/release.sh), read with <c>dpkg-deb</c> (deb(5), deb-control(5)).
/// </summary>
public sealed class DebianPackage
{
    private DebianPackage(string path) => Path = path;

    /// <summary>The package file.</summary>
    public string Path { get; }

    /// <summary>
    /// The release's package <paramref name="name"/> for <paramref name="debianArchitecture"/> (<c>amd64</c>, <c>arm64</c>), or a
    /// clear failure naming the command that builds it.
    /// </summary>
    public static DebianPackage Find(string name, string debianArchitecture)
    {
        var architecture = debianArchitecture == "amd64" ? "x64" : debianArchitecture;
        var candidates = Directory.Exists(ReleaseArtifacts.Root)
            ? Directory.GetFiles(ReleaseArtifacts.Root, $"{name}_*_{debianArchitecture}.deb")
            : [];
        return candidates.Length == 1 ? new DebianPackage(candidates[0])
            : throw new InvalidOperationException(
                $"Expected one {name} package for {debianArchitecture} in '{ReleaseArtifacts.Root}', found {candidates.Length}. " +
                $"Build it: configs/release.sh --arch {architecture}");
    }

    /// <summary>A field of the control file (<c>dpkg-deb --field</c>), such as <c>Architecture</c>.</summary>
    public async Task<string> FieldAsync(string field) => (await DpkgDebAsync("--field", Path, field)).Trim();

    /// <summary>The output of <c>dpkg-deb --info</c>: sizes, the control members (<c>*</c> marks an executable one), the control file.</summary>
    public Task<string> InfoAsync() => DpkgDebAsync("--info", Path);

    /// <summary>Every entry of the data archive (<c>dpkg-deb --contents</c>), by path without the leading <c>.</c>.</summary>
    public async Task<IReadOnlyDictionary<string, PackageEntry>> ContentsAsync()
    {
        var entries = new Dictionary<string, PackageEntry>(StringComparer.Ordinal);
        foreach (var line in (await DpkgDebAsync("--contents", Path)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = PackageEntry.Parse(line);
            entries[entry.Path] = entry;
        }

        return entries;
    }

    /// <summary>Extracts the control members (<c>dpkg-deb --control</c>) into <paramref name="folder"/>, which must not exist.</summary>
    public Task ExtractControlAsync(string folder) => DpkgDebAsync("--control", Path, folder);

    /// <summary>Extracts the files (<c>dpkg-deb --extract</c>) under <paramref name="folder"/>, without running any script.</summary>
    public Task ExtractAsync(string folder) => DpkgDebAsync("--extract", Path, folder);

    private static async Task<string> DpkgDebAsync(params string[] arguments)
    {
        var dpkgDeb = ServerBinary.Require("dpkg-deb", "dpkg");
        var (exitCode, output, error) = await CommandLine.RunAsync(dpkgDeb, arguments);
        return exitCode == 0 ? output
            : throw new InvalidOperationException($"dpkg-deb {string.Join(' ', arguments)} failed ({exitCode}): {error}");
    }
}

/// <summary>One line of <c>dpkg-deb --contents</c> (tar's verbose listing): <c>-rw-r--r-- root/root 5555 2026-12-06 15:30 ./etc/mediot/gateway.json</c>.</summary>
/// <param name="Mode">The mode as tar prints it, such as <c>-rwxr-xr-x</c> (first letter: <c>-</c> file, <c>d</c> folder, <c>l</c> link).</param>
/// <param name="Owner">Owner and group, such as <c>root/root</c>.</param>
/// <param name="Size">The size in bytes (0 for folders and links).</param>
/// <param name="Path">The installed path, such as <c>/etc/mediot/gateway.json</c> (<c>/</c> for the root entry).</param>
/// <param name="LinkTarget">For a symbolic link, where it points; otherwise null.</param>
public sealed record PackageEntry(string Mode, string Owner, long Size, string Path, string? LinkTarget)
{
    /// <summary>Parses one listing line; a line of another shape is a test failure.</summary>
    public static PackageEntry Parse(string line)
    {
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6 || !parts[5].StartsWith("./", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Not a dpkg-deb --contents line: '{line}'");
        }

        var name = parts[5][1..];
        string? target = null;
        var arrow = name.IndexOf(" -> ", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            target = name[(arrow + 4)..];
            name = name[..arrow];
        }

        return new PackageEntry(parts[0], parts[1], long.Parse(parts[2], CultureInfo.InvariantCulture), name.Length > 1 ? name.TrimEnd('/') : name, target);
    }

    public bool IsFolder => Mode[0] == 'd';

    public bool IsLink => Mode[0] == 'l';

    public bool IsFile => Mode[0] == '-';
}
