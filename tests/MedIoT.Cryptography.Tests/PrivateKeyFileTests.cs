namespace MedIoT.Cryptography.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateKeyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mediot-keyfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_written_key_file_has_mode_0600_and_reads_back_as_the_same_key()
    {
        var path = Path.Combine(_directory, "device.jwk");
        using var key = Ed25519PrivateKey.Generate();

        PrivateKeyFile.Write(path, key);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var read = PrivateKeyFile.Read(path);
        Assert.Equal(key.PublicKey, read.PublicKey);
        Assert.Equal(key.Sign("frame"u8), read.Sign("frame"u8));
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        var path = Path.Combine(_directory, "device.jwk");
        File.WriteAllText(path, "keep me");
        using var key = Ed25519PrivateKey.Generate();

        var exception = Assert.Throws<IOException>(() => PrivateKeyFile.Write(path, key));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)] // 0644
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)] // 0640
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)] // 0602
    public void A_key_file_open_to_group_or_others_is_refused_with_the_fix(UnixFileMode mode)
    {
        var path = Path.Combine(_directory, "device.jwk");
        using var key = Ed25519PrivateKey.Generate();
        PrivateKeyFile.Write(path, key);
        File.SetUnixFileMode(path, mode);

        var exception = Assert.Throws<InvalidOperationException>(() => PrivateKeyFile.Read(path));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", exception.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(key, exception.Message);
    }

    [Fact]
    public void A_read_only_owner_file_is_accepted()
    {
        var path = Path.Combine(_directory, "device.jwk");
        using var key = Ed25519PrivateKey.Generate();
        PrivateKeyFile.Write(path, key);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        using var read = PrivateKeyFile.Read(path);
        Assert.Equal(key.PublicKey, read.PublicKey);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""")]
    public void A_file_that_is_not_a_private_JWK_is_invalid_data(string content)
    {
        var path = Path.Combine(_directory, "device.jwk");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var exception = Assert.Throws<InvalidDataException>(() => PrivateKeyFile.Read(path));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("11qYAYKx", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_JWK_whose_x_does_not_match_is_invalid_data_without_key_material()
    {
        var path = Path.Combine(_directory, "device.jwk");
        using var key = Ed25519PrivateKey.Generate();
        using var other = Ed25519PrivateKey.Generate();
        var seed = new byte[32];
        key.ExportSeed(seed);
        var d = Base64Url.Encode(seed);
        File.WriteAllText(path, $$"""{"kty":"OKP","crv":"Ed25519","x":"{{Base64Url.Encode(other.PublicKey.Bytes)}}","d":"{{d}}"}""");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var exception = Assert.Throws<InvalidDataException>(() => PrivateKeyFile.Read(path));

        Assert.DoesNotContain(d, exception.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(other, exception.Message);
    }

    private static void AssertNoKeyMaterial(Ed25519PrivateKey key, string message)
    {
        var seed = new byte[32];
        key.ExportSeed(seed);
        Assert.DoesNotContain(Base64Url.Encode(seed), message, StringComparison.Ordinal);
        Assert.DoesNotContain(Base64Url.Encode(key.PublicKey.Bytes), message, StringComparison.Ordinal);
    }
}
