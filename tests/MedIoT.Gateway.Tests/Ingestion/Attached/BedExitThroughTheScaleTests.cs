using MedIoT.Alerts;
using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Rules;
using MedIoT.Alerts.Staff;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;
using MedIoT.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Ingestion.Attached;

/// <summary>
/// Bed exit from the load cells to the alarm, on one fake clock: the real Iot.Device.Hx711 binding reads a simulated HX711
/// under the bed through <see cref="BedScale"/> (calibrated with an empty bed and 20 kg), sampled every 200 ms as the
/// gateway's bed scale is by default, and the alert engine judges the weights with the shipped rules
/// (configs/alert-rules.json, bedExit). The 2-second budget is measured on that clock from the moment the load leaves.
/// </summary>
public sealed class BedExitThroughTheScaleTests : IDisposable
{
    private static readonly TimeSpan s_sampleInterval = new AttachedSensorOptions { Kind = AttachedSensorKind.BedScale }.SampleInterval;
    private static readonly BedLocation s_bed = BedLocation.Parse("7A", "07");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
    private readonly SimulatedBedside _bedside;
    private readonly ScaleSampler _sampler;
    private readonly AlarmEngine _engine;
    private readonly List<AlarmEvent> _events = [];
    private TimeSpan _sinceTick;

    public BedExitThroughTheScaleTests()
    {
        _bedside = new SimulatedBedside(new SimulatedBedsidePins(ScaleDataPin: 5, ScaleClockPin: 6, CallButtonPin: 17, AnswerButtonPin: 27), _clock);
        // The fake clock never moves during a read: the next conversion is ready as soon as the last one was read.
        _bedside.Scale.ConversionPeriod = TimeSpan.Zero;
        _sampler = new ScaleSampler(new BedScale(_bedside.Gpio, 5, 6, Calibrate(_bedside)));
        _engine = new AlarmEngine(AlarmRules.Parse(File.ReadAllBytes(Path.Combine(RepositoryLayout.Configs, "alert-rules.json")), "alert-rules.json"));
    }

    [Fact]
    public void The_scale_samples_as_the_gateway_does_every_200_ms() => Assert.Equal(TimeSpan.FromMilliseconds(200), s_sampleInterval);

    [Fact]
    public void A_patient_leaving_an_armed_bed_raises_bed_exit_within_2_s_and_returning_clears_it()
    {
        _bedside.Scale.Kilograms = 72.4;
        Sample(TimeSpan.FromSeconds(2));
        Process(new BedExitMonitoringSet(s_bed, Armed: true, StaffId.Parse("nurse.jones"), _clock.GetUtcNow()));
        Sample(TimeSpan.FromSeconds(5)); // longer than bedExit.settleSeconds: the settled weight is learned
        Assert.DoesNotContain(_events, e => e.Alarm.Condition == AlarmCondition.BedExit);

        var left = _clock.GetUtcNow();
        _bedside.Scale.Kilograms = 0.6;
        Sample(TimeSpan.FromSeconds(2));
        var raised = Assert.Single(_events, e => e.Alarm.Condition == AlarmCondition.BedExit && e.Kind == AlarmEventKind.Raised);
        Assert.Equal(AlarmPriority.High, raised.Alarm.Priority);
        Assert.Equal(s_bed, raised.Alarm.Bed);
        Assert.InRange(raised.At - left, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)); // sustained 1 s, within 2 s

        _bedside.Scale.Kilograms = 72.1;
        Sample(TimeSpan.FromSeconds(1));
        Assert.Contains(_events, e => e.Alarm.AlarmId == raised.Alarm.AlarmId && e.Kind is AlarmEventKind.Resolved or AlarmEventKind.Latched);
        Assert.DoesNotContain(_engine.ActiveAlarms(), a => a.Condition == AlarmCondition.BedExit && a.ConditionPresent);
    }

    [Fact]
    public void A_patient_leaving_a_bed_that_is_not_armed_raises_nothing()
    {
        _bedside.Scale.Kilograms = 72.4;
        Sample(TimeSpan.FromSeconds(6));
        _bedside.Scale.Kilograms = 0.6;
        Sample(TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(_events, e => e.Alarm.Condition == AlarmCondition.BedExit);
    }

    [Fact]
    public void Sitting_up_on_the_edge_of_an_armed_bed_raises_nothing()
    {
        _bedside.Scale.Kilograms = 72.4;
        Process(new BedExitMonitoringSet(s_bed, Armed: true, StaffId.Parse("nurse.jones"), _clock.GetUtcNow()));
        Sample(TimeSpan.FromSeconds(5));
        _bedside.Scale.Kilograms = 48; // most of the load stays on the bed (loadShare 0.5)
        Sample(TimeSpan.FromSeconds(10));

        Assert.DoesNotContain(_events, e => e.Alarm.Condition == AlarmCondition.BedExit);
    }

    public void Dispose()
    {
        _sampler.Dispose();
        _bedside.Dispose();
    }

    /// <summary>The calibration of docs/attached-sensors.md §3 through the binding: the bed empty, then 20 kg on it.</summary>
    private static LoadCellCalibration Calibrate(SimulatedBedside bedside)
    {
        using var uncalibrated = new BedScale(bedside.Gpio, 5, 6, new LoadCellCalibration(0, 1));
        bedside.Scale.Kilograms = 0;
        Assert.Equal(SensorFault.None, uncalibrated.TryReadCounts(out var empty));
        bedside.Scale.Kilograms = 20;
        Assert.Equal(SensorFault.None, uncalibrated.TryReadCounts(out var loaded));
        return BedScale.Calibrate(empty, loaded, 20);
    }

    /// <summary>Samples the scale every 200 ms for <paramref name="duration"/>, as the gateway's sampling loop does, and ticks the engine every second.</summary>
    private void Sample(TimeSpan duration)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += s_sampleInterval)
        {
            Assert.Equal(SensorFault.None, _sampler.TryRead(out var kilograms));
            Assert.Equal(MdcCodes.BodyWeight, _sampler.MdcCode);
            var now = _clock.GetUtcNow();
            Process(new VitalReading(s_bed, "test-7a-07-scale", MdcCodes.BodyWeight, kilograms, now, now));
            _clock.Advance(s_sampleInterval);
            _sinceTick += s_sampleInterval;
            if (_sinceTick >= TimeSpan.FromSeconds(1))
            {
                _sinceTick = TimeSpan.Zero;
                _engine.Tick(_clock.GetUtcNow(), _events);
            }
        }
    }

    private void Process(AlarmInput input) => Assert.Equal(AlarmInputRejection.None, _engine.Process(input, _clock.GetUtcNow(), _events));
}
