using MedIoT.Sensors.Simulation;

namespace MedIoT.Sensors.Tests.Simulation;

public sealed class BedsideStateFileTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mediot-bedside-");

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Round_trip_keeps_every_field_and_writes_the_file_owner_only()
    {
        var path = PathOf("bed-3.json");
        var state = new BedsideState(77.25, 38.95, 23.5, 4, 2, ScaleAnswering: false, ThermometerAnswering: true);
        BedsideStateFile.Write(path, state);

        Assert.True(BedsideStateFile.TryRead(path, out var read, out var error), error);
        Assert.Equal(state, read);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(_folder.GetFiles());
    }

    [Fact]
    public void The_file_uses_camel_case_names()
    {
        var path = PathOf("bed.json");
        BedsideStateFile.Write(path, BedsideState.Idle);
        var text = File.ReadAllText(path);

        Assert.Contains("\"loadKilograms\"", text, StringComparison.Ordinal);
        Assert.Contains("\"thermometerAnswering\"", text, StringComparison.Ordinal);
    }

    private const string Valid = """
        {"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}
        """;

    [Fact]
    public void A_hand_written_valid_file_reads()
    {
        var path = PathOf("bed.json");
        File.WriteAllText(path, Valid);
        Assert.True(BedsideStateFile.TryRead(path, out var state, out var error), error);
        Assert.Equal(70, state.LoadKilograms);
    }

    [Theory]
    [InlineData("", "not a bedside state")]
    [InlineData("{", "not a bedside state")]
    [InlineData("""{"loadKilograms": 70}""", "objectCelsius")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true}""", "thermometerAnswering")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true, "extra": 1}""", "extra")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 1.5, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}""", "not a bedside state")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": -1, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}""", "cannot be negative")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 370, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}""", "objectCelsius 370")]
    [InlineData("""{"loadKilograms": 70, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": "yes", "thermometerAnswering": true}""", "not a bedside state")]
    [InlineData("""{"loadKilograms": null, "objectCelsius": 37, "ambientCelsius": 22, "callPresses": 0, "answerPresses": 0, "scaleAnswering": true, "thermometerAnswering": true}""", "not a bedside state")]
    public void Bad_files_are_refused_with_a_reason(string contents, string reason)
    {
        var path = PathOf("bed.json");
        File.WriteAllText(path, contents);

        Assert.False(BedsideStateFile.TryRead(path, out var state, out var error));
        Assert.Null(state);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused_not_thrown()
    {
        Assert.False(BedsideStateFile.TryRead(PathOf("absent.json"), out _, out var error));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_an_out_of_range_state_throws_and_leaves_no_file()
    {
        var path = PathOf("bed.json");
        Assert.Throws<ArgumentException>(() => BedsideStateFile.Write(path, BedsideState.Idle with { LoadKilograms = double.PositiveInfinity }));
        Assert.False(File.Exists(path));
    }
}
