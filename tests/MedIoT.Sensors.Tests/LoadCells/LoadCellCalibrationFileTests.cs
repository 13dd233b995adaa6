using MedIoT.Sensors.LoadCells;

namespace MedIoT.Sensors.Tests.LoadCells;

public sealed class LoadCellCalibrationFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mediot-calibration-");

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Round_trip_keeps_the_values_and_writes_the_file_owner_only()
    {
        var path = PathOf("bed-12.json");
        var calibration = new LoadCellCalibration(52_113.25, -4_987.125);
        LoadCellCalibrationFile.Write(path, calibration);

        Assert.True(LoadCellCalibrationFile.TryRead(path, out var read, out var error), error);
        Assert.Equal(calibration, read);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(_folder.GetFiles()); // no temporary file left behind
    }

    [Fact]
    public void Write_replaces_an_existing_file()
    {
        var path = PathOf("bed.json");
        LoadCellCalibrationFile.Write(path, new LoadCellCalibration(1, 2));
        LoadCellCalibrationFile.Write(path, new LoadCellCalibration(3, 4));

        Assert.True(LoadCellCalibrationFile.TryRead(path, out var read, out _));
        Assert.Equal(new LoadCellCalibration(3, 4), read);
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite)]
    public void A_file_others_can_read_or_write_is_refused_with_the_fix(UnixFileMode mode)
    {
        var path = PathOf("bed.json");
        LoadCellCalibrationFile.Write(path, new LoadCellCalibration(1, 2));
        File.SetUnixFileMode(path, mode);

        Assert.False(LoadCellCalibrationFile.TryRead(path, out var read, out var error));
        Assert.Null(read);
        Assert.Contains("chmod 600", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "not a load-cell calibration")]
    [InlineData("not json", "not a load-cell calibration")]
    [InlineData("null", "holds null")]
    [InlineData("[]", "not a load-cell calibration")]
    [InlineData("""{"zeroCounts": 1}""", "countsPerKilogram")]
    [InlineData("""{"countsPerKilogram": 1}""", "zeroCounts")]
    [InlineData("""{"zeroCounts": 1, "countsPerKilogram": 5000, "offset": 2}""", "offset")]
    [InlineData("""{"zeroCounts": 1, "countsPerKilogram": 5000, "zeroCounts": 2}""", "zeroCounts")]
    [InlineData("""{"zeroCounts": "1", "countsPerKilogram": 5000}""", "not a load-cell calibration")]
    [InlineData("""{"zeroCounts": 1, "countsPerKilogram": 0}""", "countsPerKilogram 0")]
    [InlineData("""{"zeroCounts": 1, "countsPerKilogram": 0.5}""", "usable scale")]
    [InlineData("""{"zeroCounts": 9000000, "countsPerKilogram": 5000}""", "24-bit range")]
    [InlineData("""{"zeroCounts": 1, "countsPerKilogram": 1e400}""", "usable scale")] // JSON reads it as infinity
    public void Bad_contents_are_refused_with_a_reason(string contents, string reason)
    {
        var path = PathOf("bed.json");
        File.WriteAllText(path, contents);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.False(LoadCellCalibrationFile.TryRead(path, out var read, out var error));
        Assert.Null(read);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_with_its_name()
    {
        var path = PathOf("absent.json");
        Assert.False(LoadCellCalibrationFile.TryRead(path, out _, out var error));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_file_is_refused_unread()
    {
        var path = PathOf("big.json");
        File.WriteAllText(path, new string(' ', 10_000) + """{"zeroCounts": 1, "countsPerKilogram": 5000}""");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.False(LoadCellCalibrationFile.TryRead(path, out _, out var error));
        Assert.Contains("bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_an_unusable_calibration_throws_and_leaves_no_file()
    {
        var path = PathOf("bed.json");
        Assert.Throws<ArgumentException>(() => LoadCellCalibrationFile.Write(path, new LoadCellCalibration(double.NaN, 5000)));
        Assert.False(File.Exists(path));
    }
}
