using MedIoT.Testing;

namespace MedIoT.Release.Tests.Arm64;

/// <summary>
/// What running a linux-arm64 build on this x86-64 machine needs: Debian's user-mode emulator <c>qemu-aarch64-static</c>
/// (package qemu-user-static) and arm64's own shared libraries from Debian's multiarch, which the self-contained .NET
/// runtime still loads from the system. A missing piece is a clear failure naming the command that installs it.
/// </summary>
internal static class QemuArm64
{
    /// <summary>The emulator program.</summary>
    public const string Emulator = "qemu-aarch64-static";

    /// <summary>The gateway's executable in its publish folder (the project's assembly name; the apphost has no extension).</summary>
    public const string GatewayExecutable = "MedIoT.Gateway";

    private const string InstallHint =
        "Run configs/install.sh, which installs qemu-user-static, adds the arm64 architecture (dpkg --add-architecture arm64, " +
        "apt-get update) and installs libc6:arm64 libstdc++6:arm64 libssl3:arm64 libicu72:arm64 zlib1g:arm64 with --no-remove.";

    /// <summary>
    /// arm64's dynamic loader and the libraries the runtime loads (libstdc++6 for the host and runtime, libssl3 for TLS and
    /// hashing, zlib1g for compression), at their multiarch paths (Debian Policy §9.1.1), with the package of each.
    /// </summary>
    private static readonly (string Path, string Package)[] s_libraries =
    [
        ("/lib/ld-linux-aarch64.so.1", "libc6:arm64"),
        ("/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "libstdc++6:arm64"),
        ("/usr/lib/aarch64-linux-gnu/libssl.so.3", "libssl3:arm64"),
        ("/usr/lib/aarch64-linux-gnu/libz.so.1", "zlib1g:arm64"),
    ];

    /// <summary>The emulator's full path, once every arm64 library it needs to run the gateway is there.</summary>
    /// <exception cref="InvalidOperationException">The emulator or an arm64 library is missing; the message says how to install it.</exception>
    public static string RequireEmulator() => RequireEmulator(File.Exists);

    /// <inheritdoc cref="RequireEmulator()"/>
    /// <param name="libraryExists">Whether a library file exists (a test gives one that leaves a library out).</param>
    internal static string RequireEmulator(Func<string, bool> libraryExists)
    {
        string emulator;
        try
        {
            emulator = ServerBinary.Require(Emulator, "qemu-user-static");
        }
        catch (InvalidOperationException missing)
        {
            throw new InvalidOperationException($"{missing.Message} {InstallHint}", missing);
        }

        var absent = s_libraries.Where(library => !libraryExists(library.Path)).ToList();
        return absent.Count == 0 ? emulator : throw new InvalidOperationException(
            $"The arm64 libraries {string.Join(", ", absent.Select(library => $"{library.Path} ({library.Package})"))} are not installed, " +
            $"so {Emulator} cannot run an arm64 build. {InstallHint}");
    }

    /// <summary>The released arm64 gateway's executable (a clear failure names the command that builds the release).</summary>
    public static string GatewayPath => Path.Combine(Fixtures.ReleaseArtifacts.AppFolder("arm64", "gateway"), GatewayExecutable);
}
