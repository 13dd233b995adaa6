using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors.Simulation;
using MedIoT.Sensors.Thermometers;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Ingestion.Attached;

/// <summary>
/// The gateway's sampling loop over the real Iot.Device.Mlx90614 binding and a simulated MLX90614, on a fake clock: good
/// readings become gateway-attested frames queued for the journal; an error-flagged, corrupted (failed packet error
/// check), implausible or missing answer never does, and only a run of them makes the sensor not working, which the next
/// good reading ends.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SampledSensorIngestionTests : IAsyncDisposable
{
    private const string DeviceId = "test-7a-07-thermometer";
    private static readonly BedLocation s_bed = BedLocation.Parse("7A", "07");
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("sampled-sensor");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeLogger _logger = new();
    private readonly SimulatedBedside _bedside;
    private readonly GatewayIdentity _identity;
    private readonly PendingFrameQueue _queue = new(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));
    private readonly AttachedSensorEvents _events = new();
    private readonly AttachedStatistics _statistics;
    private readonly CancellationTokenSource _stop = new();
    private readonly ParkingClock _loopClock;
    private readonly Task _loop;
    private bool _parked;

    public SampledSensorIngestionTests()
    {
        _bedside = new SimulatedBedside(new SimulatedBedsidePins(5, 6, 17, 27), _clock);
        _bedside.Thermometer.ObjectCelsius = 36.9;
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), "mediot.example/ward7a/gw-test", out _);
        _statistics = new AttachedStatistics(_metrics.GetRequiredService<IMeterFactory>());
        var device = new RegisteredDevice(DeviceId, "ir-thermometer", s_bed, null, false, DeviceTrust.GatewayAttested);
        var verifier = new FrameVerifier(new DeviceRegistry([device]), Options.Create(new IngestionOptions { ReplayWindow = 64 }), _clock);
        var intake = new PushedFrameIntake(_queue, new IngestionStatistics(new FakeLogger<IngestionStatistics>(), _metrics.GetRequiredService<IMeterFactory>()), observer: null);
        var sensor = new AttachedSensorOptions
        {
            Name = "bed07-thermometer", Kind = AttachedSensorKind.Thermometer, DeviceId = DeviceId, SampleIntervalMilliseconds = (int)s_interval.TotalMilliseconds,
        };
        var options = new AttachedOptions { FailuresBeforeFault = 3 };
        var attestor = new GatewayAttestor(DeviceId, _identity, new AttestationSequence(_folder.Combine("thermometer.seq")), _clock);
        var health = new SensorHealth(sensor.Name, DeviceId, s_bed, options.FailuresBeforeFault, _events, _statistics, _clock, _logger);
        _loopClock = new ParkingClock(_clock);
        var ingestion = new SampledSensorIngestion(sensor, options, device,
            () => new ThermometerSampler(new InfraredThermometer(_bedside.OpenThermometer(), ThermometerLimits.Body)),
            verifier, intake, attestor, health, _statistics, _loopClock, _logger);
        _loop = ingestion.StartAsync(_stop.Token);
    }

    [Fact]
    public async Task A_good_reading_becomes_a_gateway_attested_frame_of_the_thermometer_in_degrees_Celsius()
    {
        await StepUntilAsync(() => _statistics.Readings >= 1);

        Assert.True(_queue.Reader.TryRead(out var pending));
        var frame = pending.Frame!;
        Assert.Equal(FrameAttestation.GatewayAttested, frame.Attestation);
        Assert.Equal(DeviceId, frame.Device.DeviceId);
        var observation = Assert.Single(frame.Frame.Observations);
        Assert.Equal((MdcCodes.BodyTemperature, "Cel"), (observation.Code, observation.Unit));
        Assert.InRange(observation.Value, 36.88, 36.92);
    }

    [Theory]
    [InlineData("error flag")]
    [InlineData("raw 0x8000")]
    [InlineData("corrupted packet error check")]
    [InlineData("implausible")]
    [InlineData("not answering")]
    public async Task A_bad_read_is_never_a_frame_and_a_run_of_them_raises_the_technical_alarm_input_until_a_good_read(string fault)
    {
        await StepUntilAsync(() => _statistics.Readings >= 1);
        Assert.True(_queue.Reader.TryRead(out _));

        Break(fault);
        await StepUntilAsync(() => _statistics.Failures >= 3);
        Assert.False(_queue.Reader.TryRead(out var leaked), $"a frame was queued from a bad read: {leaked.Frame?.Frame}");
        Assert.True(_events.Reader.TryRead(out var notWorking));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: false), notWorking);
        Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorReadFailed);
        Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorNotWorking);

        Repair();
        _bedside.Thermometer.ObjectCelsius = 37.4;
        var readings = _statistics.Readings;
        await StepUntilAsync(() => _statistics.Readings > readings);
        Assert.True(_events.Reader.TryRead(out var working));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: true), working);
        Assert.True(_queue.Reader.TryRead(out var recovered));
        Assert.InRange(Assert.Single(recovered.Frame!.Frame.Observations).Value, 37.38, 37.42);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), record => record.Message.Contains("37.4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_disturbed_read_is_counted_and_logged_but_raises_nothing()
    {
        await StepUntilAsync(() => _statistics.Readings >= 1);
        _bedside.Thermometer.CorruptPacketErrorCheck = true;
        await StepUntilAsync(() => _statistics.Failures >= 1);
        _bedside.Thermometer.CorruptPacketErrorCheck = false;
        var readings = _statistics.Readings;
        await StepUntilAsync(() => _statistics.Readings > readings);

        Assert.False(_events.Reader.TryRead(out var input), $"an alarm input was published: {input}");
        Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorReadFailed);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _bedside.Dispose();
        _identity.Dispose();
        await _metrics.DisposeAsync();
        _folder.Dispose();
    }

    private void Break(string fault)
    {
        switch (fault)
        {
            case "error flag":
                _bedside.Thermometer.ErrorFlag = true;
                break;
            case "raw 0x8000":
                _bedside.Thermometer.RawObjectOverride = 0x8000; // what the binding alone turns into -928.51 °C
                break;
            case "corrupted packet error check":
                _bedside.Thermometer.CorruptPacketErrorCheck = true;
                break;
            case "implausible":
                _bedside.Thermometer.ObjectCelsius = 60;
                break;
            default:
                _bedside.Thermometer.Answering = false;
                break;
        }
    }

    private void Repair()
    {
        _bedside.Thermometer.ErrorFlag = false;
        _bedside.Thermometer.RawObjectOverride = null;
        _bedside.Thermometer.CorruptPacketErrorCheck = false;
        _bedside.Thermometer.Answering = true;
    }

    /// <summary>
    /// Lets the loop take samples, one interval of the fake clock at a time, until <paramref name="condition"/> holds (at
    /// most 20 samples): each time the loop has sampled and parked on its delay, the condition is checked, then the clock
    /// moves to the next sample.
    /// </summary>
    private async Task StepUntilAsync(Func<bool> condition)
    {
        for (var step = 0; step < 20; step++)
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

            _clock.Advance(s_interval);
            _parked = false;
        }

        Assert.Fail($"not reached in 20 samples: readings {_statistics.Readings}, failures {_statistics.Failures}");
    }
}
