using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

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
    private static readonly BedLocation s_bed = BedLocation.Parse("7A", "07");
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("uncalibrated-scale");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger _logger = new();
    private readonly AttachedSensorOptions _sensor;
    private readonly AttachedBuses _buses;
    private readonly GatewayIdentity _identity;
    private readonly PendingFrameQueue _queue = new(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));
    private readonly AttachedSensorEvents _events = new();
    private readonly AttachedStatistics _statistics;
    private readonly CancellationTokenSource _stop = new();
    private readonly ParkingClock _loopClock;
    private readonly Task _loop;
    private bool _parked;

    public UncalibratedScaleTests()
    {
        _sensor = new AttachedSensorOptions
        {
            Name = "bed07-scale", Kind = AttachedSensorKind.BedScale, Bus = AttachedBus.Simulated, DeviceId = DeviceId, DataPin = 5, ClockPin = 6,
            CalibrationPath = "bed07-scale.calibration.json", SimulationStatePath = "bedside.json",
        };
        BedsideStateFile.Write(_folder.Combine("bedside.json"), new BedsideState(72.4, 36.8, 22.5, 0, 0, ScaleAnswering: true, ThermometerAnswering: true));
        _buses = new AttachedBuses([_sensor], path => _folder.Combine(path), _clock, _logger);
        // The fake clock stands still during a read: each conversion is ready as soon as the last was read.
        _buses.Bedside(_sensor).Scale.ConversionPeriod = TimeSpan.Zero;
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), "mediot.example/ward7a/gw-test", out _);
        _statistics = new AttachedStatistics(_metrics.GetRequiredService<IMeterFactory>());
        var device = new RegisteredDevice(DeviceId, "bed-scale", s_bed, null, false, DeviceTrust.GatewayAttested);
        var options = new AttachedOptions { FailuresBeforeFault = 3, ReopenInitialDelayMilliseconds = 500, ReopenMaximumDelayMilliseconds = 1000 };
        var health = new SensorHealth(_sensor.Name, DeviceId, s_bed, options.FailuresBeforeFault, _events, _statistics, _clock, _logger);
        _loopClock = new ParkingClock(_clock);
        var ingestion = new SampledSensorIngestion(_sensor, options, device, SampledSensors.Opener(_sensor, _buses, path => _folder.Combine(path)),
            new FrameVerifier(new DeviceRegistry([device]), Options.Create(new IngestionOptions { ReplayWindow = 64 }), _clock),
            new PushedFrameIntake(_queue, new IngestionStatistics(new FakeLogger<IngestionStatistics>(), _metrics.GetRequiredService<IMeterFactory>()), observer: null),
            new GatewayAttestor(DeviceId, _identity, new AttestationSequence(_folder.Combine("scale.seq")), _clock),
            health, _statistics, _loopClock, _logger);
        _loop = ingestion.StartAsync(_stop.Token);
    }

    [Fact]
    public async Task An_uncalibrated_scale_raises_its_technical_alarm_stores_nothing_and_weighs_once_calibrated()
    {
        await StepUntilAsync(() => _statistics.Failures >= 3);

        Assert.False(_queue.Reader.TryRead(out _));
        Assert.True(_events.Reader.TryRead(out var notWorking));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: false), notWorking);
        var unavailable = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorUnavailable);
        Assert.Contains("calibrate-scale --sensor bed07-scale", unavailable.Message, StringComparison.Ordinal);

        // An engineer calibrates the scale (docs/attached-sensors.md §3) while the gateway keeps trying.
        LoadCellCalibrationFile.Write(_folder.Combine("bed07-scale.calibration.json"),
            new LoadCellCalibration(SimulatedHx711.DefaultZeroCounts, SimulatedHx711.DefaultCountsPerKilogram));
        await StepUntilAsync(() => _statistics.Readings >= 1);

        Assert.True(_events.Reader.TryRead(out var working));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: true), working);
        Assert.True(_queue.Reader.TryRead(out var pending));
        var weight = Assert.Single(pending.Frame!.Frame.Observations);
        Assert.Equal((MdcCodes.BodyWeight, "kg"), (weight.Code, weight.Unit));
        Assert.InRange(weight.Value, 72.3, 72.5);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _buses.Dispose();
        _identity.Dispose();
        await _metrics.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>Moves the fake clock each time the loop parks (a sample interval or a backoff delay) until <paramref name="condition"/> holds (at most 30 times).</summary>
    private async Task StepUntilAsync(Func<bool> condition)
    {
        for (var step = 0; step < 30; step++)
        {
            if (!_parked)
            {
                await _loopClock.WaitForTimerAsync();
                _parked = true;
            }

            if (condition())
            {
                return;
            }

            _clock.Advance(TimeSpan.FromSeconds(1));
            _parked = false;
        }

        Assert.Fail($"not reached: readings {_statistics.Readings}, failures {_statistics.Failures}");
    }
}
