namespace MedIoT.Release.Tests.Arm64;

/// <summary>What the arm64 run needs is found, and a missing piece fails with the command that installs it.</summary>
public sealed class QemuArm64Tests
{
    [Fact]
    public void The_emulator_and_the_arm64_libraries_are_installed_here()
    {
        var emulator = QemuArm64.RequireEmulator();

        Assert.Equal(QemuArm64.Emulator, Path.GetFileName(emulator));
    }

    [Fact]
    public void A_missing_arm64_library_fails_naming_its_package_and_the_install_script()
    {
        var error = Assert.Throws<InvalidOperationException>(() => QemuArm64.RequireEmulator(path => !path.EndsWith("libssl.so.3", StringComparison.Ordinal)));

        Assert.Contains("/usr/lib/aarch64-linux-gnu/libssl.so.3 (libssl3:arm64)", error.Message, StringComparison.Ordinal);
        Assert.Contains("configs/install.sh", error.Message, StringComparison.Ordinal);
        Assert.Contains("dpkg --add-architecture arm64", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("libc6:arm64)", error.Message, StringComparison.Ordinal);
    }
}
