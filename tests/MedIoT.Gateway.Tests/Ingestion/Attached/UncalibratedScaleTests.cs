using MedIoT.Alerts;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;

namespace MedIoT.Gateway.Tests.Ingestion.Attached;

/// <summary>
/// A bed scale installed before anyone calibrated it: the gateway opens it as it would at start (the simulated bus from
/// its settings, the calibration from its file), cannot, says so once, raises its technical alarm input, stores nothing,
/// retries with backoff, and starts weighing on its own once the calibration file is written, without a restart.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UncalibratedScaleTests : IAsyncDisposable
{
    private const string DeviceId = "test-7a-07-scale";
    private static readonly BedLocation s_bed = SensorLoopHarness.Bed;
    private static readonly TimeSpan s_step = TimeSpan.FromSeconds(1);
    private readonly SensorLoopHarness _harness = new("uncalibrated-scale");
    private readonly AttachedBuses _buses;

    public UncalibratedScaleTests()
    {
        var sensor = new AttachedSensorOptions
        {
            Name = "bed07-scale", Kind = AttachedSensorKind.BedScale, Bus = AttachedBus.Simulated, DeviceId = DeviceId, DataPin = 5, ClockPin = 6,
            CalibrationPath = "bed07-scale.calibration.json", SimulationStatePath = "bedside.json",
        };
        var folder = _harness.Folder;
        BedsideStateFile.Write(folder.Combine("bedside.json"), new BedsideState(72.4, 36.8, 22.5, 0, 0, ScaleAnswering: true, ThermometerAnswering: true));
        _buses = new AttachedBuses([sensor], path => folder.Combine(path), _harness.Clock, _harness.Logger);
        // The fake clock stands still during a read: each conversion is ready as soon as the last was read.
        _buses.Bedside(sensor).Scale.ConversionPeriod = TimeSpan.Zero;
        _harness.Start(sensor, new AttachedOptions { FailuresBeforeFault = 3, ReopenInitialDelayMilliseconds = 500, ReopenMaximumDelayMilliseconds = 1000 },
            DeviceId, "bed-scale", SampledSensors.Opener(sensor, _buses, path => folder.Combine(path)));
    }

    [Fact]
    public async Task An_uncalibrated_scale_raises_its_technical_alarm_stores_nothing_and_weighs_once_calibrated()
    {
        await _harness.StepUntilAsync(() => _harness.Statistics.Failures >= 3, s_step);

        Assert.False(_harness.Queue.Reader.TryRead(out _));
        Assert.True(_harness.Events.Reader.TryRead(out var notWorking));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: false), notWorking);
        var unavailable = Assert.Single(_harness.Logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorUnavailable);
        Assert.Contains("calibrate-scale --sensor bed07-scale", unavailable.Message, StringComparison.Ordinal);

        // An engineer calibrates the scale (docs/attached-sensors.md §3) while the gateway keeps trying.
        LoadCellCalibrationFile.Write(_harness.Folder.Combine("bed07-scale.calibration.json"),
            new LoadCellCalibration(SimulatedHx711.DefaultZeroCounts, SimulatedHx711.DefaultCountsPerKilogram));
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings >= 1, s_step);

        Assert.True(_harness.Events.Reader.TryRead(out var working));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: true), working);
        Assert.True(_harness.Queue.Reader.TryRead(out var pending));
        var weight = Assert.Single(pending.Frame!.Frame.Observations);
        Assert.Equal((MdcCodes.BodyWeight, "kg"), (weight.Code, weight.Unit));
        Assert.InRange(weight.Value, 72.3, 72.5);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.StopAsync();
        _buses.Dispose();
        await _harness.DisposeAsync();
    }
}
