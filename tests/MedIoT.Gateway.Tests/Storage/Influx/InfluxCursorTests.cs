using MedIoT.Gateway.Storage.Influx;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Storage.Influx;

/// <summary>The InfluxDB writer's durable position in the journal.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InfluxCursorTests
{
    [Fact]
    public void A_missing_cursor_starts_at_the_beginning_and_a_written_one_reads_back()
    {
        using var folder = TemporaryDirectory.Create("cursor");
        var path = folder.Combine("influx.cursor");
        Assert.Equal(0, InfluxCursor.Read(path));
        InfluxCursor.Write(path, 123_456_789);
        Assert.Equal(123_456_789, InfluxCursor.Read(path));
        InfluxCursor.Write(path, 123_456_790);
        Assert.Equal(123_456_790, InfluxCursor.Read(path));
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_damaged_cursor_is_refused_with_the_fix_never_guessed()
    {
        using var folder = TemporaryDirectory.Create("cursor");
        var path = folder.Combine("influx.cursor");
        InfluxCursor.Write(path, 42);
        var bytes = File.ReadAllBytes(path);
        bytes[0] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var exception = Assert.Throws<InvalidDataException>(() => InfluxCursor.Read(path));
        Assert.Contains("Delete it", exception.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => InfluxCursor.Read(path));
    }
}
