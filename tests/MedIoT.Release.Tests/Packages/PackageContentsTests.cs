using System.Text.Json;
using MedIoT.Release.Tests.Fixtures;
using MedIoT.Testing;

namespace MedIoT.Release.Tests.Packages;

/// <summary>
/// The built arm64 packages, read without installing them (<c>dpkg-deb --info</c>, <c>--contents</c>, <c>--control</c>):
/// architecture, dependencies, paths, owners and modes, conffiles, maintainer scripts, and the settings they ship.
/// </summary>
public sealed class PackageContentsTests
{
    [Theory]
    [MemberData(nameof(ReleasePackages.All), MemberType = typeof(ReleasePackages))]
    public async Task The_package_is_arm64_and_depends_on_the_libraries_of_a_self_contained_dotnet_app(ReleasePackage package)
    {
        var deb = DebianPackage.Find(package.Name, ReleasePackages.Architecture);

        Assert.Equal(package.Name, await deb.FieldAsync("Package"));
        Assert.Equal("arm64", await deb.FieldAsync("Architecture"));
        var depends = (await deb.FieldAsync("Depends")).Split(',', StringSplitOptions.TrimEntries).Select(d => d.Split(' ')[0]).Order(StringComparer.Ordinal);
        // The runtime's own libraries (libcoreclr, libclrjit, libhostfxr: libstdc++, libgcc_s, libc) and OpenSSL, which
        // System.Security.Cryptography loads at run time. NSec brings its own libsodium.so; zlib-ng is built into
        // libSystem.IO.Compression.Native.
        Assert.Equal(["libc6", "libgcc-s1", "libssl3", "libstdc++6"], depends);

        // No libicu: the applications run with invariant globalization (Directory.Build.props), so the runtime never loads ICU.
        foreach (var (app, executable) in package.Applications)
        {
            var runtimeConfig = Path.Combine(ReleaseArtifacts.AppFolder(ReleasePackages.Architecture, app), executable + ".runtimeconfig.json");
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(runtimeConfig));
            Assert.True(document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
                .GetProperty("System.Globalization.Invariant").GetBoolean(), $"{runtimeConfig} must say System.Globalization.Invariant: true");
        }
    }

    [Theory]
    [MemberData(nameof(ReleasePackages.All), MemberType = typeof(ReleasePackages))]
    public async Task Every_entry_belongs_to_root_folders_are_0755_files_0644_and_only_executables_0755(ReleasePackage package)
    {
        var contents = await DebianPackage.Find(package.Name, ReleasePackages.Architecture).ContentsAsync();

        var executables = package.Applications
            .SelectMany(app => new[] { $"/usr/lib/mediot/{app.Key}/{app.Value}", $"/usr/lib/mediot/{app.Key}/createdump" })
            .ToHashSet();
        foreach (var entry in contents.Values)
        {
            Assert.True(entry.Owner == "root/root", $"{entry.Path} belongs to {entry.Owner}");
            var expected = entry.IsFolder ? "drwxr-xr-x"
                : entry.IsLink ? "lrwxrwxrwx"
                : executables.Contains(entry.Path) ? "-rwxr-xr-x"
                : "-rw-r--r--";
            Assert.True(expected == entry.Mode, $"{entry.Path} has mode {entry.Mode}, expected {expected}");
        }

        Assert.All(contents.Keys, path => Assert.True(
            path == "/" || path.StartsWith("/usr/lib/mediot", StringComparison.Ordinal) || path.StartsWith("/usr/bin", StringComparison.Ordinal)
            || path.StartsWith("/usr/share/doc", StringComparison.Ordinal) || path.StartsWith("/usr/lib/systemd/system", StringComparison.Ordinal)
            || path.StartsWith("/etc/mediot", StringComparison.Ordinal) || path is "/usr" or "/usr/lib" or "/usr/share" or "/usr/lib/systemd" or "/etc",
            $"{path} is outside the installed layout (docs/deployment.md)"));
        Assert.DoesNotContain(contents.Keys, path => path.StartsWith("/var", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ReleasePackages.All), MemberType = typeof(ReleasePackages))]
    public async Task Each_command_on_the_PATH_links_to_a_self_contained_application_with_its_runtime_and_libsodium(ReleasePackage package)
    {
        var contents = await DebianPackage.Find(package.Name, ReleasePackages.Architecture).ContentsAsync();

        foreach (var (app, executable) in package.Applications)
        {
            var command = contents[$"/usr/bin/mediot-{app}"];
            Assert.True(command.IsLink);
            Assert.Equal($"../lib/mediot/{app}/{executable}", command.LinkTarget);
            Assert.True(contents[$"/usr/lib/mediot/{app}/{executable}"].IsFile);
            Assert.Contains($"/usr/lib/mediot/{app}/libcoreclr.so", contents.Keys);
            Assert.Contains($"/usr/lib/mediot/{app}/libsodium.so", contents.Keys);
        }

        Assert.Contains($"/usr/share/doc/{package.Name}/deployment.md", contents.Keys);
        if (package.Service is { } service)
        {
            Assert.True(contents[$"/usr/lib/systemd/system/mediot-{service}.service"].IsFile);
        }
    }

    [Theory]
    [MemberData(nameof(ReleasePackages.All), MemberType = typeof(ReleasePackages))]
    public async Task Settings_are_conffiles_and_the_maintainer_scripts_are_executable_shell_scripts(ReleasePackage package)
    {
        var deb = DebianPackage.Find(package.Name, ReleasePackages.Architecture);
        using var folder = TemporaryDirectory.Create("deb-control");
        var control = folder.Combine("DEBIAN");
        await deb.ExtractControlAsync(control);
        var contents = await deb.ContentsAsync();

        var conffiles = File.Exists(Path.Combine(control, "conffiles"))
            ? (await File.ReadAllLinesAsync(Path.Combine(control, "conffiles"))).Where(line => line.Length > 0).ToArray()
            : [];
        Assert.Equal(package.Conffiles, conffiles);
        // Every file under /etc is a conffile, so an administrator's change survives an upgrade (Debian policy §10.7.3).
        Assert.Equal(package.Conffiles, contents.Values.Where(e => e.IsFile && e.Path.StartsWith("/etc/", StringComparison.Ordinal)).Select(e => e.Path).Order(StringComparer.Ordinal));

        var scripts = new[] { "postinst", "prerm", "postrm" };
        if (package.Service is null)
        {
            Assert.All(scripts, script => Assert.False(File.Exists(Path.Combine(control, script)), $"{package.Name} has no state and needs no {script}"));
            return;
        }

        var info = await deb.InfoAsync();
        foreach (var script in scripts)
        {
            var path = Path.Combine(control, script);
            Assert.True(File.Exists(path), $"{package.Name} lacks its {script}");
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(path));
            var text = await File.ReadAllTextAsync(path);
            Assert.StartsWith("#!/bin/sh\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("@SERVICE@", text, StringComparison.Ordinal);
            Assert.Contains($"*  {script}", info, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ReleasePackages.Services), MemberType = typeof(ReleasePackages))]
    public async Task The_shipped_settings_keep_every_state_path_under_var_lib_mediot(ReleasePackage package)
    {
        using var folder = TemporaryDirectory.Create("deb-files");
        await DebianPackage.Find(package.Name, ReleasePackages.Architecture).ExtractAsync(folder.Path);
        var service = package.Service!;
        using var settings = JsonDocument.Parse(await File.ReadAllTextAsync(folder.Combine("etc", "mediot", service + ".json")));

        foreach (var setting in ReleasePackages.StateSettings(service))
        {
            var value = ReleasePackages.Setting(settings, setting);
            Assert.True(value.StartsWith($"/var/lib/mediot/{service}/", StringComparison.Ordinal),
                $"{setting} is '{value}' in the packaged {service}.json; state belongs under /var/lib/mediot/{service}/ (the unit's StateDirectory)");
        }
    }
}
