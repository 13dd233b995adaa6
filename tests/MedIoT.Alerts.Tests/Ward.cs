using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Rules;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Alerts.Tests;

/// <summary>An engine on a fake clock with helpers that read like a ward: readings, observations, ticks, acknowledgements.</summary>
internal sealed class Ward(AlarmRules rules)
{
    public static readonly BedLocation Bed1 = BedLocation.Parse("7A", "01");
    public static readonly BedLocation Bed2 = BedLocation.Parse("7A", "02");

    /// <summary>A ward whose engine starts from <paramref name="snapshot"/> (a restart) at the clock's start.</summary>
    public Ward(AlarmRules rules, RestoreSnapshot snapshot)
        : this(rules)
    {
        Engine.Restore(snapshot, Now, Events);
    }

    public FakeTimeProvider Clock { get; } = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public AlarmEngine Engine { get; } = new(rules);

    /// <summary>Every event so far, in order.</summary>
    public List<AlarmEvent> Events { get; } = [];

    public DateTimeOffset Now => Clock.GetUtcNow();

    public AlarmInputRejection Send(AlarmInput input)
    {
        return Engine.Process(input, Now, Events);
    }

    public AlarmInputRejection Reading(int code, double value, BedLocation? bed = null, string device = "dev-1") =>
        Send(new VitalReading(bed ?? Bed1, device, code, value, Now, Now));

    /// <summary>One reading per second for <paramref name="seconds"/> seconds (advancing the clock and ticking after each).</summary>
    public void Hold(int code, double value, int seconds, BedLocation? bed = null, string device = "dev-1")
    {
        for (var second = 0; second < seconds; second++)
        {
            Reading(code, value, bed, device);
            Advance(1);
        }
    }

    /// <summary>Normal adult vitals on every device channel, once.</summary>
    public void NormalVitals(BedLocation? bed = null, string device = "dev-1") => Vitals(bed: bed, device: device);

    /// <summary>One reading on every device channel (normal adult values unless given).</summary>
    public void Vitals(double spo2 = 97, double pulse = 72, double respiration = 16, double systolic = 125, double temperature = 36.8, BedLocation? bed = null, string device = "dev-1")
    {
        Reading(MdcCodes.OxygenSaturation, spo2, bed, device);
        Reading(MdcCodes.PulseRateOximeter, pulse, bed, device);
        Reading(MdcCodes.RespirationRate, respiration, bed, device);
        Reading(MdcCodes.NoninvasiveSystolic, systolic, bed, device);
        Reading(MdcCodes.BodyTemperature, temperature, bed, device);
    }

    public AlarmInputRejection Consciousness(Consciousness level, BedLocation? bed = null) =>
        Send(new ConsciousnessRecorded(bed ?? Bed1, level, StaffId.Parse("nurse.jones"), Now));

    public AlarmInputRejection Oxygen(bool onOxygen, BedLocation? bed = null) =>
        Send(new SupplementalOxygenRecorded(bed ?? Bed1, onOxygen, StaffId.Parse("nurse.jones"), Now));

    public AlarmInputRejection Status(DeviceStatus status, BedLocation? bed = null, string device = "dev-1") =>
        Send(new DeviceStatusReport(bed ?? Bed1, device, status));

    // A name that is no staff identity becomes the default StaffId, which the engine must refuse.
    public AlarmInputRejection Acknowledge(long alarmId, string staffId = "nurse.jones") =>
        Send(new AlarmAcknowledgement(alarmId, StaffId.TryCreate(staffId, out var staff) ? staff : default));

    /// <summary>Advances the clock by whole seconds, ticking the engine every second as the gateway would.</summary>
    public void Advance(int seconds)
    {
        for (var second = 0; second < seconds; second++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Engine.Tick(Now, Events);
        }
    }

    /// <summary>
    /// A bed scale's body weight samples at 5/s (every 200 ms) at <paramref name="bed"/>, the engine ticked on every whole
    /// second; stops early once <paramref name="until"/> holds after a sample. Returns the samples sent.
    /// </summary>
    public int Weigh(double kilograms, int samples, string device = "scale-1", BedLocation? bed = null, Func<bool>? until = null)
    {
        for (var sample = 0; sample < samples; sample++)
        {
            Reading(MdcCodes.BodyWeight, kilograms, bed, device);
            if (until?.Invoke() == true)
            {
                return sample + 1;
            }

            Clock.Advance(TimeSpan.FromMilliseconds(200));
            if (Now.Ticks % TimeSpan.TicksPerSecond == 0)
            {
                Engine.Tick(Now, Events);
            }
        }

        return samples;
    }

    public IEnumerable<AlarmEvent> Of(AlarmEventKind kind) => Events.Where(e => e.Kind == kind);

    public Alarm Single(AlarmConditionKind kind) => Assert.Single(Engine.ActiveAlarms(), alarm => alarm.Condition.Kind == kind);

    public Alarm? Find(AlarmCondition condition) => Engine.ActiveAlarms().SingleOrDefault(alarm => alarm.Condition == condition);
}
