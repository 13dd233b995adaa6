using System.Runtime.InteropServices;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Ledger.Tests.Storage;

/// <summary>Flushing a folder with open(2) and fsync(2), and the open flags it passes on each architecture (docs/arm64.md).</summary>
public sealed class DurableFolderTests
{
    /// <summary>
    /// O_RDONLY | O_DIRECTORY as the Linux uapi headers define it: asm-generic/fcntl.h (x86-64) 0200000, arch/arm64 and
    /// arch/arm asm/fcntl.h 040000. The generic value on arm64 is O_DIRECT, which made the arm64 gateway fail at start.
    /// </summary>
    [Theory]
    [InlineData(Architecture.X64, 0x10000)]
    [InlineData(Architecture.Arm64, 0x4000)]
    [InlineData(Architecture.Arm, 0x4000)]
    public void The_directory_flag_is_the_one_of_each_architectures_headers(Architecture architecture, int expected) =>
        Assert.Equal(expected, DurableFolder.ReadOnlyDirectoryFlags(architecture));

    [Fact]
    public void A_folder_is_flushed_and_a_replaced_file_holds_the_new_contents_only()
    {
        using var folder = TemporaryDirectory.Create("durable-folder");
        var path = folder.Combine("state.json");
        DurableFolder.ReplaceFile(path, "old"u8);

        DurableFolder.ReplaceFile(path, "new"u8);
        DurableFolder.Flush(folder.Path);

        Assert.Equal("new"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["state.json"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Flushing_a_file_instead_of_a_folder_fails_with_the_path_and_the_errno()
    {
        using var folder = TemporaryDirectory.Create("durable-folder");
        var file = folder.Combine("not-a-folder");
        File.WriteAllText(file, "x");

        var error = Assert.Throws<IOException>(() => DurableFolder.Flush(file));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("errno 20", error.Message, StringComparison.Ordinal); // ENOTDIR (asm-generic/errno-base.h): O_DIRECTORY took effect
    }
}
