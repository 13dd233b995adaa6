using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Security;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests;

/// <summary>
/// Random (seeded, so repeatable) streams of good and bad inputs: the engine never throws, and its events always
/// tell a consistent story.
/// </summary>
public sealed class AlarmEngineInvariantTests
{
    private static readonly int[] s_codes = [.. MdcCodes.All, 0, 999_999];
    private static readonly string[] s_devices = ["dev-1", "dev-2", "ecg-1", "", "bad\nid", new string('x', 65)];
    // Names that are not ward or bed names cannot be made (WardId, BedId); the invalid places left are the default parts.
    private static readonly BedLocation[] s_beds = [Ward.Bed1, Ward.Bed2, new(WardId.Parse("7A"), default), new(default, BedId.Parse("01")), default];
    private static readonly StaffId[] s_staff = [StaffId.Parse("nurse.jones"), StaffId.Parse("it.oncall"), default];
    private static readonly double[] s_specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1e308, 1e308, 0, -5];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Random_inputs_never_throw_and_every_alarm_follows_the_lifecycle(int seed)
    {
        var random = new Random(seed);
        var ward = new Ward(AlarmTestRules.Shipped());

        for (var step = 0; step < 5000; step++)
        {
            ward.Send(RandomInput(random, ward));
            if (random.Next(4) == 0)
            {
                ward.Advance(random.Next(1, 20));
            }
        }

        ward.Advance(3600);
        AssertStory(ward);
    }

    private static AlarmInput RandomInput(Random random, Ward ward)
    {
        var bed = s_beds[random.Next(s_beds.Length)];
        var device = s_devices[random.Next(s_devices.Length)];
        var staff = s_staff[random.Next(s_staff.Length)];
        var value = random.Next(10) == 0 ? s_specials[random.Next(s_specials.Length)] : random.NextDouble() * 200;
        var measured = ward.Now.AddSeconds(random.Next(-300, 30));
        return random.Next(16) switch
        {
            0 or 1 or 2 or 3 => new VitalReading(bed, device, s_codes[random.Next(s_codes.Length)], value, measured, ward.Now),
            // Body weight often enough for an armed bed to settle and be left (0–200 kg, or a special value).
            12 => new VitalReading(bed, device, MdcCodes.BodyWeight, random.Next(3) == 0 ? 0 : value, measured, ward.Now),
            13 => new BedExitMonitoringSet(bed, random.Next(3) != 0, staff, measured),
            14 => random.Next(2) == 0 ? new PatientCallPressed(bed, device) : new PatientCallAnswered(bed, device),
            15 => new AttachedSensorStatus(device, bed, random.Next(2) == 0),
            4 => new DeviceStatusReport(bed, device, (DeviceStatus)random.Next(0, 4096)),
            5 => new ConsciousnessRecorded(bed, (Consciousness)random.Next(-1, 6), staff, measured),
            6 => new SupplementalOxygenRecorded(bed, random.Next(2) == 0, staff, measured),
            7 => new OxygenSaturationScaleSet(bed, (OxygenSaturationScale)random.Next(0, 4), staff),
            8 => new SecurityEvent((FrameRejectionReason)random.Next(0, 16), device),
            9 => new GatewayBacklogLevel(random.Next(-10, 1200), random.Next(-1, 1100)),
            10 => new SerialPortStatus(random.Next(2) == 0 ? "/dev/ttyUSB0" : device, random.Next(2) == 0 ? bed : null, random.Next(2) == 0),
            _ => new AlarmAcknowledgement(random.Next(0, 40), staff),
        };
    }

    private static void AssertStory(Ward ward)
    {
        Assert.Contains(ward.Events, e => e.Kind == AlarmEventKind.Raised);
        var open = new Dictionary<long, Alarm>();
        foreach (var e in ward.Events)
        {
            if (e.Kind == AlarmEventKind.Raised)
            {
                Assert.False(open.ContainsKey(e.Alarm.AlarmId));
                // One active alarm per place and condition.
                Assert.DoesNotContain(open.Values, a => a.Bed == e.Alarm.Bed && a.Condition == e.Alarm.Condition);
                open.Add(e.Alarm.AlarmId, e.Alarm);
                continue;
            }

            Assert.True(open.ContainsKey(e.Alarm.AlarmId), $"{e.Kind} for an alarm that is not active");
            if (e.Kind == AlarmEventKind.Latched)
            {
                Assert.Equal(AlarmPriority.High, e.Alarm.Priority);
                Assert.False(e.Alarm.IsAcknowledged);
            }

            if (e.Kind == AlarmEventKind.Acknowledged)
            {
                Assert.NotNull(e.Alarm.AcknowledgedBy);
            }

            if (e.Alarm.Category == AlarmCategory.Security)
            {
                // A claim: never at a bed.
                Assert.Equal((AlarmChannel.InformationTechnology, (BedLocation?)null), (e.Alarm.Channel, e.Alarm.Bed));
            }

            if (e.Kind == AlarmEventKind.Resolved)
            {
                open.Remove(e.Alarm.AlarmId);
            }
            else
            {
                open[e.Alarm.AlarmId] = e.Alarm;
            }
        }

        Assert.Equal(open.Keys.Order(), ward.Engine.ActiveAlarms().Select(a => a.AlarmId));
        // Everything but the silently updated counters (occurrences, NEWS2 score) was announced by an event.
        Assert.All(ward.Engine.ActiveAlarms(), a => Assert.Equal(
            open[a.AlarmId] with { News2Score = null, Occurrences = 0 },
            a with { News2Score = null, Occurrences = 0 }));
    }
}
