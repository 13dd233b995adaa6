using MedIoT.Alerts.Physiological;
using MedIoT.Alerts.Tests.Rules;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Physiological;

public sealed class VitalLimitTests
{
    private static readonly AlarmCondition s_spo2Low = AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation);

    [Fact]
    public void A_single_sample_artifact_does_not_alarm_when_a_persistence_delay_applies()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 97, 10);

        ward.Hold(MdcCodes.OxygenSaturation, 60, 1);
        ward.Hold(MdcCodes.OxygenSaturation, 97, 60);

        Assert.Empty(ward.Events);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void A_condition_alarms_once_it_has_held_for_the_persistence_delay_and_not_before()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        var onset = ward.Now;

        ward.Hold(MdcCodes.OxygenSaturation, 90, 15);
        Assert.DoesNotContain(ward.Events, e => e.Alarm.Condition == s_spo2Low);

        ward.Hold(MdcCodes.OxygenSaturation, 90, 1);

        var raised = Assert.Single(ward.Events, e => e.Alarm.Condition == s_spo2Low);
        Assert.Equal(AlarmEventKind.Raised, raised.Kind);
        Assert.Equal(onset.AddSeconds(15), raised.At);
        Assert.Equal(AlarmPriority.Medium, raised.Alarm.Priority);
        Assert.Equal(AlarmCategory.Physiological, raised.Alarm.Category);
        Assert.Equal(Ward.Bed1, raised.Alarm.Bed);
        Assert.Equal("dev-1", raised.Alarm.DeviceId);
    }

    [Fact]
    public void A_good_sample_before_the_delay_restarts_the_persistence_clock()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        ward.Hold(MdcCodes.OxygenSaturation, 90, 14);
        ward.Hold(MdcCodes.OxygenSaturation, 93, 1);
        ward.Hold(MdcCodes.OxygenSaturation, 90, 15);

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void Hysteresis_keeps_the_alarm_until_the_value_is_back_inside_by_the_hysteresis()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 90, 16);
        Assert.NotNull(ward.Find(s_spo2Low));

        // Limit "below 92" with hysteresis 2: 92 and 93 are inside the limit but not past the hysteresis.
        ward.Hold(MdcCodes.OxygenSaturation, 92, 5);
        ward.Hold(MdcCodes.OxygenSaturation, 93, 5);
        ward.Hold(MdcCodes.OxygenSaturation, 91, 1);
        Assert.NotNull(ward.Find(s_spo2Low));
        Assert.Single(ward.Of(AlarmEventKind.Raised));

        ward.Hold(MdcCodes.OxygenSaturation, 94, 1);

        Assert.Null(ward.Find(s_spo2Low));
        var resolved = Assert.Single(ward.Of(AlarmEventKind.Resolved));
        Assert.Equal(s_spo2Low, resolved.Alarm.Condition);
    }

    [Fact]
    public void A_more_urgent_limit_raises_the_priority_of_the_same_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 90, 16);

        ward.Hold(MdcCodes.OxygenSaturation, 80, 11);

        var alarm = ward.Single(AlarmConditionKind.VitalBelowLimit);
        Assert.Equal(AlarmPriority.High, alarm.Priority);
        Assert.Single(ward.Of(AlarmEventKind.Raised), e => e.Alarm.Condition == s_spo2Low);
        var updated = Assert.Single(ward.Of(AlarmEventKind.Updated), e => e.Alarm.Condition == s_spo2Low);
        Assert.Equal(AlarmPriority.High, updated.Alarm.Priority);
    }

    [Fact]
    public void A_spot_measurement_without_persistence_alarms_at_once()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        ward.Reading(MdcCodes.NoninvasiveSystolic, 88);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Raised, AlarmConditionKind.VitalBelowLimit, AlarmPriority.Medium), (raised.Kind, raised.Alarm.Condition.Kind, raised.Alarm.Priority));
        Assert.Equal(MdcCodes.NoninvasiveSystolic, raised.Alarm.Condition.MdcCode);
    }

    [Theory]
    [InlineData(MdcCodes.PulseRateOximeter, 131, 130, AlarmConditionKind.VitalAboveLimit)]
    [InlineData(MdcCodes.PulseRateOximeter, 40, 41, AlarmConditionKind.VitalBelowLimit)]
    [InlineData(MdcCodes.HeartRateEcg, 40, 41, AlarmConditionKind.VitalBelowLimit)]
    [InlineData(MdcCodes.RespirationRate, 25, 24, AlarmConditionKind.VitalAboveLimit)]
    [InlineData(MdcCodes.RespirationRate, 8, 9, AlarmConditionKind.VitalBelowLimit)]
    [InlineData(MdcCodes.BodyTemperature, 35.0, 35.1, AlarmConditionKind.VitalBelowLimit)]
    [InlineData(MdcCodes.BodyTemperature, 39.1, 39.0, AlarmConditionKind.VitalAboveLimit)]
    [InlineData(MdcCodes.NoninvasiveSystolic, 220, 219, AlarmConditionKind.VitalAboveLimit)]
    public void Each_default_limit_alarms_at_its_edge_and_not_at_the_neighbour(int code, double past, double inside, AlarmConditionKind kind)
    {
        var inward = new Ward(AlarmTestRules.Shipped());
        inward.Hold(code, inside, 60);
        Assert.DoesNotContain(inward.Events, e => e.Alarm.Condition.MdcCode == code);

        var outward = new Ward(AlarmTestRules.Shipped());
        outward.Hold(code, past, 60);
        Assert.Contains(outward.Events, e => e.Kind == AlarmEventKind.Raised && e.Alarm.Condition.Kind == kind && e.Alarm.Condition.MdcCode == code);
    }

    [Fact]
    public void A_fast_fall_raises_a_rate_of_change_alarm_before_any_limit()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 99, 10);

        // 99 → 94 within 50 s: a fall of 5 points within the 60 s window, still above the 92 % limit.
        foreach (var value in new[] { 98, 97, 96, 95, 94 })
        {
            ward.Hold(MdcCodes.OxygenSaturation, value, 10);
        }

        ward.Hold(MdcCodes.OxygenSaturation, 94, 1);
        var raised = Assert.Single(ward.Of(AlarmEventKind.Raised));
        Assert.Equal(AlarmCondition.VitalFalling(MdcCodes.OxygenSaturation), raised.Alarm.Condition);
        Assert.Equal(AlarmPriority.Low, raised.Alarm.Priority);
        Assert.Null(ward.Find(s_spo2Low));

        // Steady at 94 for a minute: the fall is over, the alarm resolves.
        ward.Hold(MdcCodes.OxygenSaturation, 94, 61);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void A_slow_fall_of_the_same_size_does_not_raise_a_rate_of_change_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        foreach (var value in new[] { 99, 98, 97, 96, 95, 94 })
        {
            ward.Hold(MdcCodes.OxygenSaturation, value, 20);
        }

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_per_bed_override_applies_to_that_bed_only()
    {
        var ward = new Ward(AlarmTestRules.Shipped(json => json["bedOverrides"] = AlarmRulesLoaderTests.Override("7A", "02")));

        for (var second = 0; second < 20; second++)
        {
            ward.Reading(MdcCodes.OxygenSaturation, 90, Ward.Bed1, "dev-1");
            ward.Reading(MdcCodes.OxygenSaturation, 90, Ward.Bed2, "dev-2");
            ward.Advance(1);
        }

        var raised = Assert.Single(ward.Of(AlarmEventKind.Raised));
        Assert.Equal(Ward.Bed1, raised.Alarm.Bed);

        ward.Hold(MdcCodes.OxygenSaturation, 86, 16, Ward.Bed2, "dev-2");
        Assert.Contains(ward.Of(AlarmEventKind.Raised), e => e.Alarm.Bed == Ward.Bed2 && e.Alarm.Condition == s_spo2Low);
    }

    [Fact]
    public void A_late_sample_measured_before_the_newest_one_is_ignored()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.NoninvasiveSystolic, 125);
        ward.Advance(60);

        ward.Send(new VitalReading(Ward.Bed1, "dev-1", MdcCodes.NoninvasiveSystolic, 80, ward.Now.AddSeconds(-120), ward.Now));

        // Only the technical alarm for the silence, which the late frame ends; no physiological alarm.
        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Resolved], ward.Events.Select(e => e.Kind));
        Assert.All(ward.Events, e => Assert.Equal(AlarmConditionKind.DeviceSilent, e.Alarm.Condition.Kind));
    }

    [Fact]
    public void Readings_from_a_device_reporting_its_sensor_off_raise_no_physiological_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Status(DeviceStatus.SensorOff);

        ward.Hold(MdcCodes.OxygenSaturation, 40, 30);

        var alarm = Assert.Single(ward.Engine.ActiveAlarms());
        Assert.Equal(AlarmCondition.DeviceReports("dev-1", DeviceStatus.SensorOff), alarm.Condition);
        Assert.Equal(AlarmCategory.Technical, alarm.Category);
    }

    [Theory]
    [InlineData(double.NaN, AlarmInputRejection.NonFiniteValue)]
    [InlineData(double.PositiveInfinity, AlarmInputRejection.NonFiniteValue)]
    public void A_non_finite_value_is_rejected_and_changes_nothing(double value, AlarmInputRejection expected)
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(expected, ward.Reading(MdcCodes.OxygenSaturation, value));
        ward.Advance(120);

        Assert.Empty(ward.Events);
    }

    [Theory]
    [InlineData("", "01", "dev-1", AlarmInputRejection.InvalidLocation)]
    [InlineData("7A", "bed 1", "dev-1", AlarmInputRejection.InvalidLocation)]
    [InlineData("7A\n", "01", "dev-1", AlarmInputRejection.InvalidLocation)]
    [InlineData("7A", "01", "", AlarmInputRejection.InvalidDeviceId)]
    public void A_reading_with_a_bad_place_or_device_is_rejected(string wardName, string bed, string device, AlarmInputRejection expected)
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        // A name that is no ward or bed name cannot be made; the place the caller is left with has a default part.
        var place = new BedLocation(WardId.TryCreate(wardName, out var wardId) ? wardId : default, BedId.TryCreate(bed, out var bedId) ? bedId : default);
        Assert.Equal(expected == AlarmInputRejection.InvalidLocation, !place.IsValid);

        Assert.Equal(expected, ward.Send(new VitalReading(place, device, MdcCodes.NoninvasiveSystolic, 70, ward.Now, ward.Now)));
        Assert.Empty(ward.Events);
    }
}
