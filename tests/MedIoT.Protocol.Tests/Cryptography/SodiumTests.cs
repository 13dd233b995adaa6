using MedIoT.Protocol.Cryptography;

namespace MedIoT.Protocol.Tests.Cryptography;

public sealed class SodiumTests
{
    [Fact]
    public void A_missing_libsodium_is_reported_with_the_package_to_install()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            Sodium.LoadLibrary(["libsodium-that-does-not-exist.so.0"]));

        Assert.Contains("libsodium is missing", exception.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install libsodium23", exception.Message, StringComparison.Ordinal);
        Assert.Contains("libsodium-that-does-not-exist.so.0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_installed_libsodium_loads_by_its_Debian_name()
    {
        Assert.NotEqual(0, Sodium.LoadLibrary(Sodium.CandidateLibraryNames));
    }
}
