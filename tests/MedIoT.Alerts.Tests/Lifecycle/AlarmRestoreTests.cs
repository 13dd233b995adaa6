using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.Security;
using MedIoT.Alerts.Staff;
using MedIoT.Alerts.Technical;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Lifecycle;

/// <summary>
/// Issue 14: an engine started from the alarms active before a restart (<see cref="AlarmEngine.Restore"/>) carries on as
/// if it had never stopped: same ids and states, escalation from the restored clock, no flapping of a condition that still
/// holds, watched devices going silent on time. All on the fake clock of <see cref="Ward"/>.
/// </summary>
public sealed class AlarmRestoreTests
{
    private static readonly AlarmCondition s_spo2Low = AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation);
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Alarm Alarm(long id, AlarmCondition condition, AlarmPriority priority, BedLocation? bed = null, string? deviceId = "dev-1",
        bool present = true, string? acknowledgedBy = null, int escalationLevel = 0, int secondsAgo = 10) =>
        new(id, condition, bed, deviceId, priority, s_start.AddSeconds(-secondsAgo), present, acknowledgedBy,
            acknowledgedBy is null ? null : s_start.AddSeconds(-10), escalationLevel, null, 1);

    private static RestoredAlarm Restored(Alarm alarm, int unacknowledgedSecondsAgo = 10) => new(alarm, s_start.AddSeconds(-unacknowledgedSecondsAgo));

    private static Ward Restart(long lastAlarmId, IReadOnlyList<RestoredAlarm> alarms, params WatchedDevice[] devices) =>
        new(AlarmTestRules.Shipped(), new RestoreSnapshot(lastAlarmId, alarms, devices));

    private static WatchedDevice Device(string id = "dev-1", BedLocation? bed = null, int lastHeardSecondsAgo = 0) =>
        new(id, bed ?? Ward.Bed1, s_start.AddSeconds(-lastHeardSecondsAgo));

    [Fact]
    public void Restored_alarms_keep_their_ids_and_states_and_new_alarms_are_numbered_after_the_last_id()
    {
        var latched = Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1, present: false, escalationLevel: 1);
        var acknowledged = Alarm(5, AlarmCondition.VitalAbove(MdcCodes.PulseRateOximeter), AlarmPriority.Medium, Ward.Bed2, "dev-2", acknowledgedBy: "nurse.jones");
        var ward = Restart(41, [Restored(acknowledged), Restored(latched)], Device(), Device("dev-2", Ward.Bed2));

        Assert.Empty(ward.Events);
        Assert.Equal([latched, acknowledged], ward.Engine.ActiveAlarms());
        Assert.Equal(41, ward.Engine.LastAlarmId);

        ward.Hold(MdcCodes.RespirationRate, 5, 16, Ward.Bed2, "dev-2");
        Assert.Equal(42, ward.Of(AlarmEventKind.Raised).Single().Alarm.AlarmId);
    }

    [Fact]
    public void A_restored_latched_alarm_resolves_when_acknowledged_and_not_before()
    {
        var ward = Restart(3, [Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1, present: false))], Device());

        ward.Hold(MdcCodes.OxygenSaturation, 98, 20);
        Assert.False(ward.Find(s_spo2Low)!.ConditionPresent);
        Assert.Empty(ward.Events);

        Assert.Equal(AlarmInputRejection.None, ward.Acknowledge(3, "nurse.patel"));
        Assert.Equal([AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], ward.Events.Select(e => e.Kind));
        Assert.Null(ward.Find(s_spo2Low));
    }

    [Fact]
    public void Escalation_resumes_from_the_restored_clock_at_the_restored_level()
    {
        // Physiological high escalates at 60 s and 180 s: raised 100 s before the restart, it is at level 1.
        var ward = Restart(3, [Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1, present: false, escalationLevel: 1, secondsAgo: 100), 100)]);

        ward.Advance(79);
        Assert.Empty(ward.Events);
        ward.Advance(1);

        var escalated = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Escalated, 2, s_start.AddSeconds(80)), (escalated.Kind, escalated.Alarm.EscalationLevel, escalated.At));
    }

    [Fact]
    public void Steps_that_fell_due_while_the_gateway_was_down_escalate_at_the_first_tick()
    {
        var ward = Restart(3, [Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1, present: false, secondsAgo: 500), unacknowledgedSecondsAgo: 500)]);

        ward.Advance(1);

        Assert.Equal([1, 2], ward.Of(AlarmEventKind.Escalated).Select(e => e.Alarm.EscalationLevel));
    }

    [Fact]
    public void An_acknowledged_alarm_does_not_escalate_after_the_restart()
    {
        var ward = Restart(5, [Restored(Alarm(5, s_spo2Low, AlarmPriority.Medium, Ward.Bed1, acknowledgedBy: "nurse.jones", secondsAgo: 1000), unacknowledgedSecondsAgo: 1000)]);

        ward.Advance(400);

        Assert.Empty(ward.Events);
        Assert.True(ward.Find(s_spo2Low)!.IsAcknowledged);
    }

    [Fact]
    public void A_restored_vital_alarm_whose_condition_still_holds_neither_flaps_nor_is_raised_again()
    {
        var ward = Restart(5, [Restored(Alarm(5, s_spo2Low, AlarmPriority.Medium, Ward.Bed1))], Device());

        // Still low, then inside the limit but not by the hysteresis (2 %): the alarm stands, unchanged.
        ward.Hold(MdcCodes.OxygenSaturation, 90, 20);
        ward.Hold(MdcCodes.OxygenSaturation, 93, 5);
        Assert.Empty(ward.Events);
        Assert.Equal(5, ward.Find(s_spo2Low)!.AlarmId);

        // Back by the hysteresis: resolved, as without a restart.
        ward.Hold(MdcCodes.OxygenSaturation, 95, 1);
        Assert.Equal(AlarmEventKind.Resolved, Assert.Single(ward.Events).Kind);
    }

    [Fact]
    public void A_restored_high_alarm_that_was_acknowledged_falls_to_medium_with_the_value()
    {
        var ward = Restart(5, [Restored(Alarm(5, s_spo2Low, AlarmPriority.High, Ward.Bed1, acknowledgedBy: "nurse.jones"))], Device());

        ward.Hold(MdcCodes.OxygenSaturation, 88, 16);

        var updated = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Updated, AlarmPriority.Medium, 5L), (updated.Kind, updated.Alarm.Priority, updated.Alarm.AlarmId));
    }

    [Fact]
    public void A_restored_NEWS2_alarm_stands_on_partial_evidence_and_falls_once_every_measured_parameter_is_fresh_again()
    {
        var news2 = AlarmCondition.News2Score;
        var ward = Restart(9, [Restored(Alarm(9, news2, AlarmPriority.Medium, Ward.Bed1, deviceId: null, acknowledgedBy: "nurse.jones"))], Device());

        // Only SpO2 and pulse, both normal, for longer than the clear delay (120 s): not enough to call the patient better.
        for (var second = 0; second < 300; second++)
        {
            ward.Reading(MdcCodes.OxygenSaturation, 97);
            ward.Reading(MdcCodes.PulseRateOximeter, 72);
            ward.Advance(1);
        }

        Assert.Empty(ward.Events);
        Assert.NotNull(ward.Find(news2));

        // Every device-measured parameter normal: the band falls after the clear delay.
        for (var second = 0; second < 121; second++)
        {
            ward.NormalVitals();
            ward.Advance(1);
        }

        Assert.Equal(AlarmEventKind.Resolved, Assert.Single(ward.Events).Kind);
    }

    [Fact]
    public void A_watched_device_that_stays_silent_raises_device_silent_after_the_rule_time_from_the_start()
    {
        var ward = Restart(0, [], Device("dev-never"));

        ward.Advance(29);
        Assert.Empty(ward.Events);
        ward.Advance(1);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmCondition.DeviceSilent("dev-never"), (BedLocation?)Ward.Bed1, s_start.AddSeconds(30)), (raised.Alarm.Condition, raised.Alarm.Bed, raised.At));
    }

    [Fact]
    public void A_device_that_died_while_the_gateway_was_down_is_flagged_at_the_first_tick()
    {
        var ward = Restart(0, [], Device("dev-died", lastHeardSecondsAgo: 120));

        ward.Advance(1);

        Assert.Equal(AlarmCondition.DeviceSilent("dev-died"), Assert.Single(ward.Events).Alarm.Condition);
    }

    [Fact]
    public void A_restored_device_silent_alarm_is_not_raised_again_and_resolves_when_the_device_is_heard()
    {
        var silent = AlarmCondition.DeviceSilent("dev-1");
        var ward = Restart(2, [Restored(Alarm(2, silent, AlarmPriority.Medium, Ward.Bed1))], Device(lastHeardSecondsAgo: 200));

        ward.Advance(60);
        Assert.Empty(ward.Events);

        ward.Reading(MdcCodes.OxygenSaturation, 97);
        Assert.Equal((AlarmEventKind.Resolved, 2L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void Device_alarms_of_a_device_no_longer_watched_at_that_bed_clear_at_the_restart()
    {
        var medium = Alarm(2, AlarmCondition.DeviceSilent("dev-gone"), AlarmPriority.Medium, Ward.Bed1, "dev-gone");
        var high = Alarm(3, AlarmCondition.DeviceReports("dev-moved", DeviceStatus.SensorOff), AlarmPriority.High, Ward.Bed1, "dev-moved");
        var ward = Restart(3, [Restored(medium), Restored(high)], Device("dev-moved", Ward.Bed2));

        Assert.Equal([(AlarmEventKind.Resolved, 2L), (AlarmEventKind.Latched, 3L)], ward.Events.Select(e => (e.Kind, e.Alarm.AlarmId)));
        Assert.Equal(3, Assert.Single(ward.Engine.ActiveAlarms()).AlarmId);
    }

    [Fact]
    public void A_restored_sensor_off_alarm_keeps_invalidating_readings_until_the_device_reports_otherwise()
    {
        var sensorOff = AlarmCondition.DeviceReports("dev-1", DeviceStatus.SensorOff);
        var ward = Restart(4, [Restored(Alarm(4, sensorOff, AlarmPriority.Medium, Ward.Bed1))], Device());

        ward.Hold(MdcCodes.OxygenSaturation, 0, 30);
        Assert.Empty(ward.Events);

        ward.Status(DeviceStatus.None);
        Assert.Equal((AlarmEventKind.Resolved, 4L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void A_restored_serial_port_alarm_resolves_when_the_port_connects()
    {
        var port = AlarmCondition.SerialPortDisconnected("/dev/ttyUSB0");
        var ward = Restart(6, [Restored(Alarm(6, port, AlarmPriority.Medium, Ward.Bed1, deviceId: null))]);

        ward.Advance(10);
        Assert.Empty(ward.Events);
        ward.Send(new SerialPortStatus("/dev/ttyUSB0", Ward.Bed1, Connected: true));

        Assert.Equal(AlarmEventKind.Resolved, Assert.Single(ward.Events).Kind);
    }

    [Fact]
    public void A_restored_security_alarm_counts_repeats_and_is_never_at_a_bed()
    {
        // Journaled before issue 14, a security alarm carried the claimed device's bed.
        var condition = AlarmCondition.Security(FrameRejectionReason.BadSignature, "dev-b");
        var ward = Restart(8, [Restored(Alarm(8, condition, AlarmPriority.Medium, Ward.Bed2, "dev-b", present: false))]);

        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-b"));

        var alarm = Assert.Single(ward.Engine.ActiveAlarms());
        Assert.Equal((8L, (BedLocation?)null, 2), (alarm.AlarmId, alarm.Bed, alarm.Occurrences));
        Assert.Empty(ward.Events);
    }

    [Fact]
    public void Of_two_restored_alarms_of_one_condition_the_newer_is_kept_and_the_older_resolved()
    {
        var ward = Restart(12, [Restored(Alarm(4, s_spo2Low, AlarmPriority.Medium, Ward.Bed1)), Restored(Alarm(11, s_spo2Low, AlarmPriority.High, Ward.Bed1))], Device());

        Assert.Equal((AlarmEventKind.Resolved, 4L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
        Assert.Equal(11, Assert.Single(ward.Engine.ActiveAlarms()).AlarmId);
    }

    [Fact]
    public void An_inconsistent_snapshot_and_a_late_restore_are_programming_errors()
    {
        var rules = AlarmTestRules.Shipped();
        Assert.Throws<ArgumentException>(() => new Ward(rules, new RestoreSnapshot(2, [Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1))], [])));
        Assert.Throws<ArgumentException>(() => new Ward(rules, new RestoreSnapshot(3, [Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed1)), Restored(Alarm(3, s_spo2Low, AlarmPriority.High, Ward.Bed2))], [])));

        var ward = new Ward(rules);
        ward.Advance(1);
        Assert.Throws<InvalidOperationException>(() => ward.Engine.Restore(RestoreSnapshot.Empty, ward.Now, ward.Events));
    }

    [Fact]
    public void An_armed_bed_is_armed_again_and_learns_its_settled_weight_afresh()
    {
        var ward = RestartArmed(1, []);

        Assert.Equal(new BedExitMonitoring(true, false, StaffId.Parse("nurse.jones"), s_start.AddMinutes(-30)), ward.Engine.BedExitMonitoringAt(Ward.Bed1));
        ward.Weigh(75, 20);
        Assert.True(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);
        ward.Weigh(0, 6);

        Assert.Equal((AlarmEventKind.Raised, AlarmCondition.BedExit, 2L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.Condition, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void A_restored_bed_exit_holds_while_the_bed_is_empty_and_resolves_once_the_patient_lies_steady_again()
    {
        var ward = RestartArmed(3, [Restored(Alarm(3, AlarmCondition.BedExit, AlarmPriority.High, Ward.Bed1, "scale-1", acknowledgedBy: "nurse.jones"))]);

        ward.Weigh(0.5, 50);
        ward.Advance(5);
        Assert.Empty(ward.Events);
        Assert.True(ward.Find(AlarmCondition.BedExit)!.ConditionPresent);

        ward.Weigh(74, 16);

        Assert.Equal((AlarmEventKind.Resolved, 3L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void A_restored_bed_exit_at_a_bed_no_longer_armed_clears_and_latches_until_acknowledged()
    {
        var ward = Restart(3, [Restored(Alarm(3, AlarmCondition.BedExit, AlarmPriority.High, Ward.Bed1, "scale-1"))]);

        Assert.Equal(AlarmEventKind.Latched, Assert.Single(ward.Events).Kind);
        ward.Weigh(0, 20);
        Assert.Single(ward.Events);
    }

    [Fact]
    public void A_restored_patient_call_stays_until_answered()
    {
        var ward = Restart(5, [Restored(Alarm(5, AlarmCondition.PatientCall, AlarmPriority.Medium, Ward.Bed1, "call-1"))]);
        ward.Advance(10);
        Assert.Empty(ward.Events);

        ward.Send(new PatientCallAnswered(Ward.Bed1, "answer-1"));

        Assert.Equal((AlarmEventKind.Resolved, 5L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void A_restored_sensor_fault_stays_until_the_sensor_works_again()
    {
        var fault = AlarmCondition.AttachedSensorFault("thermometer-1");
        var ward = Restart(6, [Restored(Alarm(6, fault, AlarmPriority.Medium, Ward.Bed1, deviceId: "thermometer-1"))]);

        ward.Send(new AttachedSensorStatus("thermometer-1", Ward.Bed1, Working: false));
        ward.Advance(30);
        Assert.Empty(ward.Events);
        ward.Send(new AttachedSensorStatus("thermometer-1", Ward.Bed1, Working: true));

        Assert.Equal((AlarmEventKind.Resolved, 6L), (Assert.Single(ward.Events).Kind, ward.Events[0].Alarm.AlarmId));
    }

    [Fact]
    public void An_armed_bed_without_a_valid_bed_or_staff_identity_is_a_programming_error()
    {
        var rules = AlarmTestRules.Shipped();
        Assert.Throws<ArgumentException>(() => new Ward(rules, RestoreSnapshot.Empty with { BedExitArmed = [new BedExitMonitoringSet(Ward.Bed1, true, default, s_start)] }));
        Assert.Throws<ArgumentException>(() => new Ward(rules, RestoreSnapshot.Empty with { BedExitArmed = [new BedExitMonitoringSet(default, true, StaffId.Parse("nurse.jones"), s_start)] }));
        Assert.Throws<ArgumentException>(() => new Ward(rules, RestoreSnapshot.Empty with { BedExitArmed = [new BedExitMonitoringSet(Ward.Bed1, false, StaffId.Parse("nurse.jones"), s_start)] }));
    }

    private static Ward RestartArmed(long lastAlarmId, IReadOnlyList<RestoredAlarm> alarms) =>
        new(AlarmTestRules.Shipped(), new RestoreSnapshot(lastAlarmId, alarms, [Device("scale-1")])
        {
            BedExitArmed = [new BedExitMonitoringSet(Ward.Bed1, true, StaffId.Parse("nurse.jones"), s_start.AddMinutes(-30))],
        });

    [Theory]
    [InlineData("vital-below/150456")]
    [InlineData("vital-rising/149530")]
    [InlineData("news2")]
    [InlineData("device-silent/ward7a-bed01-spo2")]
    [InlineData("device-status/SensorOff/ward7a-bed01-spo2")]
    [InlineData("serial-port-disconnected//dev/ttyUSB0")]
    [InlineData("gateway-backlog")]
    [InlineData("bed-exit")]
    [InlineData("patient-call")]
    [InlineData("sensor-fault/ward7a-bed01-scale")]
    [InlineData("security/BadSignature/dev-9")]
    [InlineData("security/UnknownDevice/many-devices")]
    public void A_condition_key_parses_back_to_its_condition(string key)
    {
        Assert.True(AlarmCondition.TryParse(key, out var condition));
        Assert.Equal(key, condition.Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vital-below/")]
    [InlineData("vital-below/-5")]
    [InlineData("vital-below/15x")]
    [InlineData("device-silent")]
    [InlineData("device-status/SensorOff")]
    [InlineData("device-status/SensorOff,NoCable/dev")]
    [InlineData("device-status/4/dev")]
    [InlineData("device-status/None/dev")]
    [InlineData("security/Oversize/dev")]
    [InlineData("security/badsignature/dev")]
    [InlineData("news3")]
    [InlineData("sensor-fault")]
    [InlineData("sensor-fault/")]
    [InlineData("bed-exit/x")]
    public void Text_that_is_no_condition_key_does_not_parse(string? key)
    {
        Assert.False(AlarmCondition.TryParse(key, out _));
    }
}
