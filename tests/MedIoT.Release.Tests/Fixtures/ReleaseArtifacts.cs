using MedIoT.Testing;

namespace MedIoT.Release.Tests.Fixtures;

/// <summary>
/// The release that <c>configs/release.sh</c> builds: <c>linux-{arch}/{app}/</c> publish folders and the Debian packages,
/// under <c>MEDIOT_RELEASE_DIR</c> when it is set, else <c>artifacts/release</c> in the checkout.
/// </summary>
public static class ReleaseArtifacts
{
    /// <summary>The folder that holds the release.</summary>
    public static string Root =>
        Environment.GetEnvironmentVariable("MEDIOT_RELEASE_DIR") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(RepositoryLayout.Root, "artifacts", "release");

    /// <summary>
    /// The self-contained publish folder of one application (<c>gateway</c>, <c>sim</c>, <c>verify</c>, <c>ledger</c>,
    /// <c>witness</c>) for one architecture (<c>x64</c>, <c>arm64</c>), or a clear failure naming the command that builds it.
    /// </summary>
    public static string AppFolder(string architecture, string app)
    {
        var folder = Path.Combine(Root, $"linux-{architecture}", app);
        return Directory.Exists(folder) ? folder
            : throw new InvalidOperationException(
                $"The {architecture} release of '{app}' is not built at '{folder}'. Build it: configs/release.sh --arch {architecture}");
    }
}
