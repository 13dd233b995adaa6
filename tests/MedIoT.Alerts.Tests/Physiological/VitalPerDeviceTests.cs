using System.Globalization;
using MedIoT.Alerts.News2;
using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Physiological;

/// <summary>
/// Two devices at one bed reporting the same MDC code (SpO2, shipped rules: below 92 % medium after 15 s, hysteresis 2;
/// falling by 5 within 60 s low after 10 s; device silent after 30 s). Each second device A reports, then device B,
/// then the engine ticks and the fake clock moves on by 1 s.
/// </summary>
public sealed class VitalPerDeviceTests
{
    private const string A = "oximeter-a";
    private const string B = "oximeter-b";

    /// <summary>
    /// Scripts are space-separated <c>value*seconds</c> runs; <c>-</c> as the value sends nothing in those seconds.
    /// <paramref name="raisedAt"/> and <paramref name="resolvedAt"/> are scenario seconds, -1 for "never".
    /// </summary>
    [Theory]
    [InlineData("A low, B normal interleaved: A's persistence is not reset by B", "90*40", "97*40", "below", 15, A, -1)]
    [InlineData("A normal, B low interleaved: B's persistence is not reset by A", "97*40", "90*40", "below", 15, B, -1)]
    [InlineData("both low: one alarm for the bed, named after the first device", "90*40", "90*40", "below", 15, A, -1)]
    [InlineData("B starts low later: its own persistence counts from its own onset", "97*40", "97*10 90*30", "below", 25, B, -1)]
    [InlineData("A's single-sample artifact amid B's normal readings: no alarm", "97*10 60*1 97*29", "97*40", "below", -1, null, -1)]
    [InlineData("A back inside but not past the hysteresis, B normal: the alarm stands", "90*20 93*20", "97*40", "below", 15, A, -1)]
    [InlineData("A back past the hysteresis: resolved by A's own evidence", "90*20 95*10", "97*30", "below", 15, A, 20)]
    [InlineData("A confirmed and B confirmed: resolved only once both are back", "90*25 95*15", "97*5 90*25 95*10", "below", 15, A, 30)]
    [InlineData("A falls silent while low: its verdict lapses after 30 s and B's evidence resolves it", "90*20 -*40", "97*60", "below", 15, A, 50)]
    [InlineData("A steady 99, B steady 93: no fall is made of two devices' offsets", "99*60", "93*60", "falling", -1, null, -1)]
    [InlineData("A falls by 5 within a minute while B is steady: A's fall alarms", "99*10 94*30", "96*40", "falling", 20, A, -1)]
    public void Interleaved_readings_of_two_devices_do_not_break_each_other_s_conditions(
        string description, string scriptA, string scriptB, string condition, int raisedAt, string? raisedBy, int resolvedAt)
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        var start = ward.Now;
        var alarmCondition = condition == "below"
            ? AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation)
            : AlarmCondition.VitalFalling(MdcCodes.OxygenSaturation);
        var a = Expand(scriptA);
        var b = Expand(scriptB);
        Assert.Equal(a.Count, b.Count);

        for (var second = 0; second < a.Count; second++)
        {
            if (a[second] is { } valueA)
            {
                Assert.Equal(AlarmInputRejection.None, ward.Reading(MdcCodes.OxygenSaturation, valueA, device: A));
            }

            if (b[second] is { } valueB)
            {
                Assert.Equal(AlarmInputRejection.None, ward.Reading(MdcCodes.OxygenSaturation, valueB, device: B));
            }

            ward.Advance(1);
        }

        var mine = ward.Events.Where(e => e.Alarm.Condition == alarmCondition).ToList();
        var raised = mine.Where(e => e.Kind == AlarmEventKind.Raised).ToList();
        var resolved = mine.Where(e => e.Kind == AlarmEventKind.Resolved).ToList();
        if (raisedAt < 0)
        {
            Assert.True(raised.Count == 0, $"{description}: raised at {string.Join(", ", raised.Select(e => (e.At - start).TotalSeconds))}");
            return;
        }

        var only = Assert.Single(raised);
        Assert.Equal((description, raisedAt, raisedBy), (description, (int)(only.At - start).TotalSeconds, only.Alarm.DeviceId));
        if (resolvedAt < 0)
        {
            Assert.True(resolved.Count == 0, $"{description}: resolved at {string.Join(", ", resolved.Select(e => (e.At - start).TotalSeconds))}");
            Assert.NotNull(ward.Find(alarmCondition));
        }
        else
        {
            Assert.Equal((description, resolvedAt), (description, (int)(Assert.Single(resolved).At - start).TotalSeconds));
            Assert.Null(ward.Find(alarmCondition));
        }
    }

    [Fact]
    public void News2_takes_the_latest_fresh_value_of_a_parameter_from_whichever_device_sent_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.OxygenSaturation, 97, device: A);
        ward.Advance(1);
        ward.Reading(MdcCodes.OxygenSaturation, 91, device: B);

        var news2 = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal(B, news2.SourceOf(News2Parameter.OxygenSaturation));
        Assert.Equal(3, news2.ScoreOf(News2Parameter.OxygenSaturation));

        ward.Advance(1);
        ward.Reading(MdcCodes.OxygenSaturation, 97, device: A);
        news2 = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal(A, news2.SourceOf(News2Parameter.OxygenSaturation));
        Assert.Equal(0, news2.ScoreOf(News2Parameter.OxygenSaturation));
    }

    [Fact]
    public void A_removed_device_s_verdict_no_longer_holds_the_bed_s_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        var low = AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation);
        for (var second = 0; second < 20; second++)
        {
            ward.Reading(MdcCodes.OxygenSaturation, 90, device: A);
            ward.Reading(MdcCodes.OxygenSaturation, 97, device: B);
            ward.Advance(1);
        }

        Assert.NotNull(ward.Find(low));
        Assert.Equal(AlarmInputRejection.None, ward.Send(new DeviceRemoved(A)));
        Assert.NotNull(ward.Find(low));

        ward.Reading(MdcCodes.OxygenSaturation, 97, device: B);

        Assert.Null(ward.Find(low));
        Assert.Equal(AlarmEventKind.Resolved, ward.Events.Last(e => e.Alarm.Condition == low).Kind);
    }

    [Fact]
    public void Readings_a_device_sends_with_its_sensor_off_do_not_touch_the_other_device_s_tracking()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        var start = ward.Now;
        Assert.Equal(AlarmInputRejection.None, ward.Status(DeviceStatus.SensorOff, device: A));
        for (var second = 0; second < 40; second++)
        {
            ward.Status(DeviceStatus.SensorOff, device: A);
            ward.Reading(MdcCodes.OxygenSaturation, 0, device: A);
            ward.Reading(MdcCodes.OxygenSaturation, 90, device: B);
            ward.Advance(1);
        }

        var raised = Assert.Single(ward.Of(AlarmEventKind.Raised), e => e.Alarm.Condition.MdcCode == MdcCodes.OxygenSaturation);
        Assert.Equal((AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation), B), (raised.Alarm.Condition, raised.Alarm.DeviceId));
        Assert.Equal(15, (int)(raised.At - start).TotalSeconds);
        Assert.Contains(ward.Of(AlarmEventKind.Raised), e => e.Alarm.Condition == AlarmCondition.DeviceReports(A, DeviceStatus.SensorOff));
    }

    private static List<double?> Expand(string script)
    {
        var values = new List<double?>();
        foreach (var run in script.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = run.Split('*');
            double? value = parts[0] == "-" ? null : double.Parse(parts[0], CultureInfo.InvariantCulture);
            values.AddRange(Enumerable.Repeat(value, int.Parse(parts[1], CultureInfo.InvariantCulture)));
        }

        return values;
    }
}
