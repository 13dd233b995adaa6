using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Lifecycle;

public sealed class AlarmLifecycleTests
{
    private static readonly AlarmCondition s_spo2Low = AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation);

    /// <summary>SpO2 80 % held until the high-priority limit (below 85, 10 s) is confirmed.</summary>
    private static Ward WithHighSpO2Alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 80, 11);
        Assert.Equal(AlarmPriority.High, ward.Find(s_spo2Low)!.Priority);
        return ward;
    }

    [Fact]
    public void A_high_priority_alarm_latches_until_acknowledged_even_when_the_condition_clears()
    {
        var ward = WithHighSpO2Alarm();

        ward.Hold(MdcCodes.OxygenSaturation, 98, 30);

        var latched = ward.Find(s_spo2Low);
        Assert.NotNull(latched);
        Assert.False(latched.ConditionPresent);
        Assert.Equal(AlarmPriority.High, latched.Priority);
        Assert.Single(ward.Of(AlarmEventKind.Latched), e => e.Alarm.Condition == s_spo2Low);
        Assert.DoesNotContain(ward.Of(AlarmEventKind.Resolved), e => e.Alarm.Condition == s_spo2Low);

        var acknowledgedAt = ward.Now;
        Assert.Equal(AlarmInputRejection.None, ward.Acknowledge(latched.AlarmId, "nurse.patel"));

        Assert.Null(ward.Find(s_spo2Low));
        var tail = ward.Events.TakeLast(2).ToList();
        Assert.Equal([AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], tail.Select(e => e.Kind));
        Assert.All(tail, e => Assert.Equal(("nurse.patel", (DateTimeOffset?)acknowledgedAt), (e.Alarm.AcknowledgedBy, e.Alarm.AcknowledgedAt)));
    }

    [Fact]
    public void An_unacknowledged_high_priority_alarm_keeps_its_priority_when_the_value_improves()
    {
        var ward = WithHighSpO2Alarm();

        ward.Hold(MdcCodes.OxygenSaturation, 89, 10);
        Assert.Equal(AlarmPriority.High, ward.Find(s_spo2Low)!.Priority);

        ward.Acknowledge(ward.Find(s_spo2Low)!.AlarmId);
        ward.Hold(MdcCodes.OxygenSaturation, 89, 1);

        var alarm = ward.Find(s_spo2Low)!;
        Assert.Equal(AlarmPriority.Medium, alarm.Priority);
        Assert.True(alarm.IsAcknowledged);
    }

    [Fact]
    public void A_medium_priority_alarm_does_not_latch()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 90, 16);

        ward.Hold(MdcCodes.OxygenSaturation, 97, 1);

        Assert.Empty(ward.Engine.ActiveAlarms());
        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Resolved], ward.Events.Select(e => e.Kind));
    }

    [Fact]
    public void An_alarm_acknowledged_while_its_condition_holds_stays_active_then_resolves_when_it_clears()
    {
        var ward = WithHighSpO2Alarm();
        var id = ward.Find(s_spo2Low)!.AlarmId;

        ward.Acknowledge(id);
        ward.Hold(MdcCodes.OxygenSaturation, 80, 5);
        Assert.True(ward.Find(s_spo2Low)!.IsAcknowledged);
        Assert.True(ward.Find(s_spo2Low)!.ConditionPresent);

        ward.Hold(MdcCodes.OxygenSaturation, 98, 1);

        Assert.Null(ward.Find(s_spo2Low));
        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
    }

    [Fact]
    public void A_worse_condition_after_acknowledgement_needs_acknowledging_again()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.OxygenSaturation, 90, 16);
        ward.Acknowledge(ward.Find(s_spo2Low)!.AlarmId);

        ward.Hold(MdcCodes.OxygenSaturation, 80, 11);

        var alarm = ward.Find(s_spo2Low)!;
        Assert.Equal(AlarmPriority.High, alarm.Priority);
        Assert.False(alarm.IsAcknowledged);
        Assert.Equal(AlarmEventKind.Updated, ward.Of(AlarmEventKind.Updated).Last().Kind);
    }

    [Fact]
    public void One_alarm_per_bed_and_condition_however_long_it_holds()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        for (var second = 0; second < 25; second++)
        {
            ward.Reading(MdcCodes.NoninvasiveSystolic, 85, Ward.Bed1, "dev-1");
            ward.Reading(MdcCodes.NoninvasiveSystolic, 85, Ward.Bed1, "dev-2");
            ward.Reading(MdcCodes.NoninvasiveSystolic, 85, Ward.Bed2, "dev-3");
            ward.Advance(1);
        }

        var raised = ward.Of(AlarmEventKind.Raised).ToList();
        Assert.Equal(2, raised.Count);
        Assert.Equal([Ward.Bed1, Ward.Bed2], raised.Select(e => e.Alarm.Bed!.Value));
        Assert.Equal(raised.Select(e => e.Alarm.AlarmId).Distinct().Count(), raised.Count);
    }

    [Fact]
    public void Nobody_acknowledging_escalates_at_each_configured_step_and_acknowledgement_stops_it()
    {
        var ward = WithHighSpO2Alarm();
        var raisedAt = ward.Find(s_spo2Low)!.RaisedAt;

        ward.Hold(MdcCodes.OxygenSaturation, 80, (int)(raisedAt.AddSeconds(59) - ward.Now).TotalSeconds);
        Assert.Empty(ward.Of(AlarmEventKind.Escalated));

        ward.Hold(MdcCodes.OxygenSaturation, 80, 1);
        var first = Assert.Single(ward.Of(AlarmEventKind.Escalated));
        Assert.Equal((1, raisedAt.AddSeconds(60)), (first.Alarm.EscalationLevel, first.At));

        ward.Advance(120);
        var second = ward.Of(AlarmEventKind.Escalated).Last();
        Assert.Equal((2, raisedAt.AddSeconds(180)), (second.Alarm.EscalationLevel, second.At));

        ward.Acknowledge(second.Alarm.AlarmId);
        ward.Advance(600);
        Assert.Equal(2, ward.Of(AlarmEventKind.Escalated).Count(e => e.Alarm.Condition == s_spo2Low));
    }

    [Fact]
    public void An_alarm_acknowledged_in_time_never_escalates()
    {
        var ward = WithHighSpO2Alarm();

        ward.Advance((int)(ward.Find(s_spo2Low)!.RaisedAt.AddSeconds(59) - ward.Now).TotalSeconds);
        ward.Acknowledge(ward.Find(s_spo2Low)!.AlarmId);
        ward.Advance(600);

        // (The device falls silent during the wait; that technical alarm escalates on its own schedule.)
        Assert.DoesNotContain(ward.Of(AlarmEventKind.Escalated), e => e.Alarm.Condition == s_spo2Low);
    }

    [Fact]
    public void Acknowledging_an_unknown_or_acknowledged_alarm_or_without_a_valid_identity_is_refused()
    {
        var ward = WithHighSpO2Alarm();
        var id = ward.Find(s_spo2Low)!.AlarmId;
        var before = ward.Events.Count;

        Assert.Equal(AlarmInputRejection.AlarmNotFound, ward.Acknowledge(id + 100));
        Assert.Equal(AlarmInputRejection.InvalidStaffIdentity, ward.Acknowledge(id, ""));
        Assert.Equal(AlarmInputRejection.InvalidStaffIdentity, ward.Acknowledge(id, "nurse jones\n"));
        Assert.Equal(before, ward.Events.Count);

        Assert.Equal(AlarmInputRejection.None, ward.Acknowledge(id));
        Assert.Equal(AlarmInputRejection.AlarmAlreadyAcknowledged, ward.Acknowledge(id, "nurse.patel"));
        Assert.Equal("nurse.jones", ward.Find(s_spo2Low)!.AcknowledgedBy);
    }

    [Fact]
    public void Alarm_text_for_logs_never_contains_patient_values_or_scores()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Hold(MdcCodes.NoninvasiveSystolic, 83.7, 1);

        var raised = Assert.Single(ward.Events);
        Assert.NotNull(raised.Alarm.News2Score);
        var reading = new MedIoT.Alerts.Physiological.VitalReading(Ward.Bed1, "dev-1", MdcCodes.NoninvasiveSystolic, 83.7, ward.Now, ward.Now);
        foreach (var text in new[] { raised.ToString(), raised.Alarm.ToString(), reading.ToString() })
        {
            Assert.DoesNotContain("83", text, StringComparison.Ordinal);
            Assert.DoesNotContain("News2Score", text, StringComparison.Ordinal);
        }

        Assert.Contains("vital-below/150021", raised.ToString(), StringComparison.Ordinal);
        Assert.Contains("7A/01", raised.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_discharge_resolves_the_bed_s_physiological_alarms_and_forgets_the_patient_s_scale_and_observations()
    {
        var ward = WithHighSpO2Alarm();
        ward.Send(new MedIoT.Alerts.Staff.OxygenSaturationScaleSet(Ward.Bed1, MedIoT.Alerts.News2.OxygenSaturationScale.Scale2, StaffId.Parse("dr.okafor")));
        ward.Status(DeviceStatus.LowBattery);
        ward.Reading(MdcCodes.NoninvasiveSystolic, 85, Ward.Bed2, "dev-2");

        Assert.Equal(AlarmInputRejection.None, ward.Send(new MedIoT.Alerts.Staff.PatientDischarged(Ward.Bed1, StaffId.Parse("nurse.jones"))));

        Assert.Null(ward.Find(s_spo2Low));
        Assert.Contains(ward.Of(AlarmEventKind.Resolved), e => e.Alarm.Condition == s_spo2Low && e.Alarm.Priority == AlarmPriority.High);
        Assert.Null(ward.Engine.AssessNews2(Ward.Bed1, ward.Now));
        Assert.NotNull(ward.Find(AlarmCondition.DeviceReports("dev-1", DeviceStatus.LowBattery)));
        Assert.Contains(ward.Engine.ActiveAlarms(), a => a.Bed == Ward.Bed2 && a.Condition == AlarmCondition.VitalBelow(MdcCodes.NoninvasiveSystolic));

        // The next patient in the bed is scored on scale 1 again.
        ward.Reading(MdcCodes.OxygenSaturation, 89);
        Assert.Equal(MedIoT.Alerts.News2.OxygenSaturationScale.Scale1, ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!.Scale);
    }

    [Fact]
    public void A_removed_device_is_no_longer_watched_and_its_technical_alarms_resolve()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.OxygenSaturation, 97);
        ward.Advance(30);
        Assert.NotNull(ward.Find(AlarmCondition.DeviceSilent("dev-1")));

        Assert.Equal(AlarmInputRejection.None, ward.Send(new MedIoT.Alerts.Technical.DeviceRemoved("dev-1")));
        ward.Advance(600);

        Assert.Empty(ward.Engine.ActiveAlarms());
        Assert.Single(ward.Of(AlarmEventKind.Raised));
    }
}
