using System.Text;

namespace MedIoT.Cryptography.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretFileTests : IDisposable
{
    private const string Secret = "b6VqQx0mZ7R1c3Y2s9JtP4kLwNdHfUaE5gIoTyXrCvB";

    private readonly string _directory = Directory.CreateTempSubdirectory("mediot-secretfile-").FullName;

    private string PasswordPath => Path.Combine(_directory, "device.password");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_written_secret_file_is_one_line_of_mode_0600_and_reads_back_as_the_secret()
    {
        SecretFile.Write(PasswordPath, Secret);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PasswordPath));
        Assert.Equal(Secret + "\n", File.ReadAllText(PasswordPath));
        Assert.Equal(Secret, SecretFile.Read(PasswordPath));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("")]
    public void A_hand_written_file_may_end_its_line_either_way(string lineEnd)
    {
        WriteOwnerOnly(Secret + lineEnd);

        Assert.Equal(Secret, SecretFile.Read(PasswordPath));
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        SecretFile.Write(PasswordPath, Secret);

        var exception = Assert.Throws<IOException>(() => SecretFile.Write(PasswordPath, "another"));

        Assert.Contains(PasswordPath, exception.Message, StringComparison.Ordinal);
        Assert.Equal(Secret, SecretFile.Read(PasswordPath));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)] // 0644
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)] // 0640
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)] // 0602
    public void A_secret_file_open_to_group_or_others_is_refused_with_the_fix_and_without_the_secret(UnixFileMode mode)
    {
        SecretFile.Write(PasswordPath, Secret);
        File.SetUnixFileMode(PasswordPath, mode);

        var exception = Assert.Throws<InvalidOperationException>(() => SecretFile.Read(PasswordPath));

        Assert.Contains(PasswordPath, exception.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n", "empty")]
    [InlineData("first\nsecond\n", "control character")]
    [InlineData("tab\tinside", "control character")]
    public void A_file_that_is_not_one_line_of_secret_is_invalid_data(string content, string reason)
    {
        WriteOwnerOnly(content);

        var exception = Assert.Throws<InvalidDataException>(() => SecretFile.Read(PasswordPath));

        Assert.Contains(PasswordPath, exception.Message, StringComparison.Ordinal);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_and_an_oversized_file_are_invalid_data()
    {
        File.WriteAllBytes(PasswordPath, [0x70, 0xC3, 0x28, 0x0A]);
        File.SetUnixFileMode(PasswordPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Contains("UTF-8", Assert.Throws<InvalidDataException>(() => SecretFile.Read(PasswordPath)).Message, StringComparison.Ordinal);

        File.WriteAllText(PasswordPath, new string('a', SecretFile.MaximumBytes + 1));
        Assert.Contains("longer than", Assert.Throws<InvalidDataException>(() => SecretFile.Read(PasswordPath)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_and_a_secret_that_is_not_one_line_are_refused()
    {
        Assert.Throws<FileNotFoundException>(() => SecretFile.Read(PasswordPath));
        Assert.Throws<ArgumentException>(() => SecretFile.Write(PasswordPath, "two\nlines"));
        Assert.False(File.Exists(PasswordPath));
    }

    [Fact]
    public void Problem_names_what_keeps_a_file_from_being_read_as_a_secret_and_is_null_when_nothing_does()
    {
        Assert.Contains($"'{PasswordPath}' does not exist", SecretFile.Problem(PasswordPath), StringComparison.Ordinal);
        var inMissingFolder = Path.Combine(_directory, "absent", "device.password");
        Assert.Contains("folder", SecretFile.Problem(inMissingFolder), StringComparison.Ordinal);

        SecretFile.Write(PasswordPath, Secret);
        Assert.Null(SecretFile.Problem(PasswordPath));

        File.SetUnixFileMode(PasswordPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var open = SecretFile.Problem(PasswordPath);
        Assert.Contains("chmod 600", open, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, open, StringComparison.Ordinal);

        File.Delete(PasswordPath);
        WriteOwnerOnly("first\nsecond\n");
        Assert.Contains("control character", SecretFile.Problem(PasswordPath), StringComparison.Ordinal);
    }

    private void WriteOwnerOnly(string content)
    {
        File.WriteAllText(PasswordPath, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.SetUnixFileMode(PasswordPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
