using MedIoT.Alerts;
using MedIoT.Alerts.Technical;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors.Simulation;
using MedIoT.Sensors.Thermometers;

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
    private static readonly BedLocation s_bed = SensorLoopHarness.Bed;
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly SensorLoopHarness _harness = new("sampled-sensor");
    private readonly SimulatedBedside _bedside;

    public SampledSensorIngestionTests()
    {
        _bedside = new SimulatedBedside(new SimulatedBedsidePins(5, 6, 17, 27), _harness.Clock);
        _bedside.Thermometer.ObjectCelsius = 36.9;
        var sensor = new AttachedSensorOptions
        {
            Name = "bed07-thermometer", Kind = AttachedSensorKind.Thermometer, DeviceId = DeviceId, SampleIntervalMilliseconds = (int)s_interval.TotalMilliseconds,
        };
        _harness.Start(sensor, new AttachedOptions { FailuresBeforeFault = 3 }, DeviceId, "ir-thermometer",
            () => new ThermometerSampler(new InfraredThermometer(_bedside.OpenThermometer(), ThermometerLimits.Body)));
    }

    [Fact]
    public async Task A_good_reading_becomes_a_gateway_attested_frame_of_the_thermometer_in_degrees_Celsius()
    {
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings >= 1, s_interval);

        Assert.True(_harness.Queue.Reader.TryRead(out var pending));
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
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings >= 1, s_interval);
        Assert.True(_harness.Queue.Reader.TryRead(out _));

        Break(fault);
        await _harness.StepUntilAsync(() => _harness.Statistics.Failures >= 3, s_interval);
        Assert.False(_harness.Queue.Reader.TryRead(out var leaked), $"a frame was queued from a bad read: {leaked.Frame?.Frame}");
        Assert.True(_harness.Events.Reader.TryRead(out var notWorking));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: false), notWorking);
        Assert.Single(_harness.Logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorReadFailed);
        Assert.Single(_harness.Logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorNotWorking);

        Repair();
        _bedside.Thermometer.ObjectCelsius = 37.4;
        var readings = _harness.Statistics.Readings;
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings > readings, s_interval);
        Assert.True(_harness.Events.Reader.TryRead(out var working));
        Assert.Equal(new AttachedSensorStatus(DeviceId, s_bed, Working: true), working);
        Assert.True(_harness.Queue.Reader.TryRead(out var recovered));
        Assert.InRange(Assert.Single(recovered.Frame!.Frame.Observations).Value, 37.38, 37.42);
        Assert.DoesNotContain(_harness.Logger.Collector.GetSnapshot(), record => record.Message.Contains("37.4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_disturbed_read_is_counted_and_logged_but_raises_nothing()
    {
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings >= 1, s_interval);
        _bedside.Thermometer.CorruptPacketErrorCheck = true;
        await _harness.StepUntilAsync(() => _harness.Statistics.Failures >= 1, s_interval);
        _bedside.Thermometer.CorruptPacketErrorCheck = false;
        var readings = _harness.Statistics.Readings;
        await _harness.StepUntilAsync(() => _harness.Statistics.Readings > readings, s_interval);

        Assert.False(_harness.Events.Reader.TryRead(out var input), $"an alarm input was published: {input}");
        Assert.Single(_harness.Logger.Collector.GetSnapshot(), record => record.Id.Id == GatewayLogEvents.AttachedSensorReadFailed);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.StopAsync();
        _bedside.Dispose();
        await _harness.DisposeAsync();
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
}
