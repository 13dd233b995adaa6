using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Staff;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Bedside;

/// <summary>
/// Issue 17, bed exit: an armed bed learns the patient's settled weight, and a sustained drop of the load below the rule's
/// share raises a high-priority care-team alarm within 2 s at 5 samples/s; the shipped rules (share 0.5, sustain 1 s, settle
/// 3 s, at least 20 kg). All on the fake clock of <see cref="Ward"/>, samples every 200 ms.
/// </summary>
public sealed class BedExitTests
{
    private const string Scale = "ward7a-bed01-scale";
    private static readonly TimeSpan s_sampleInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void A_patient_leaving_an_armed_bed_raises_bed_exit_within_2_s_and_returning_resolves_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 72, seconds: 4);
        Assert.True(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);
        Assert.Empty(ward.Events);

        var left = ward.Now;
        var samples = Weigh(ward, 3, seconds: 2, until: () => ward.Events.Count > 0);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Raised, AlarmCondition.BedExit, AlarmPriority.High), (raised.Kind, raised.Alarm.Condition, raised.Alarm.Priority));
        Assert.Equal((AlarmCategory.Physiological, AlarmChannel.CareTeam, (BedLocation?)Ward.Bed1, Scale),
            (raised.Alarm.Category, raised.Alarm.Channel, raised.Alarm.Bed, raised.Alarm.DeviceId));
        Assert.InRange(raised.At - left, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
        Assert.InRange(samples, 6, 10);

        // Acknowledged (a high-priority alarm latches until then), the patient's return resolves it.
        Assert.Equal(AlarmInputRejection.None, ward.Acknowledge(raised.Alarm.AlarmId));
        Weigh(ward, 70, seconds: 1);

        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], ward.Events.Select(e => e.Kind));
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void An_unacknowledged_bed_exit_latches_when_the_patient_returns_and_resolves_when_acknowledged()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 0, seconds: 2);
        Weigh(ward, 79, seconds: 2);

        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Latched], ward.Events.Select(e => e.Kind));
        var latched = ward.Single(AlarmConditionKind.BedExit);
        Assert.False(latched.ConditionPresent);

        ward.Acknowledge(latched.AlarmId);
        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);

        // Still armed: the next exit raises a new alarm.
        Weigh(ward, 0, seconds: 2);
        Assert.Equal((AlarmEventKind.Raised, AlarmCondition.BedExit), (ward.Events[^1].Kind, ward.Events[^1].Alarm.Condition));
    }

    [Fact]
    public void A_disarmed_bed_raises_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Weigh(ward, 75, seconds: 5);
        Weigh(ward, 0, seconds: 10);

        Arm(ward);
        Weigh(ward, 75, seconds: 5);
        Arm(ward, armed: false);
        Weigh(ward, 0, seconds: 10);

        Assert.Empty(ward.Events);
        Assert.Equal(BedExitMonitoring.Disarmed, ward.Engine.BedExitMonitoringAt(Ward.Bed1));
    }

    [Fact]
    public void A_weight_dip_shorter_than_the_sustain_time_raises_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 75, seconds: 4);
        for (var turn = 0; turn < 20; turn++)
        {
            // A patient turning over or reaching for the table: four samples (0.8 s) light, then back.
            Weigh(ward, 20, seconds: 0.8);
            Weigh(ward, 75, seconds: 1);
        }

        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_load_at_the_share_counts_as_in_bed()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 40, seconds: 5);
        Assert.Empty(ward.Events);

        Weigh(ward, 39.9, seconds: 2);
        Assert.Equal(AlarmEventKind.Raised, Assert.Single(ward.Events).Kind);
    }

    [Fact]
    public void Arming_an_empty_bed_waits_for_a_settled_weight()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        // An empty bed, then a mattress topper or blankets: below the 20 kg minimum, never learned as a patient.
        Weigh(ward, 0.4, seconds: 10);
        Weigh(ward, 12, seconds: 10);
        Assert.False(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);

        // The patient climbs in (the load moving), then lies still: learned only after 3 s steady.
        foreach (var kilograms in new[] { 30.0, 45, 60, 66, 70 })
        {
            Weigh(ward, kilograms, seconds: 0.4);
        }

        Weigh(ward, 70, seconds: 2.4);
        Assert.False(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);
        Weigh(ward, 70, seconds: 1);
        Assert.True(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);
        Assert.Empty(ward.Events);

        Weigh(ward, 1, seconds: 2);
        Assert.Equal(AlarmCondition.BedExit, Assert.Single(ward.Events).Alarm.Condition);
    }

    [Fact]
    public void Steady_noise_within_the_band_still_settles()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        var random = new Random(17);
        for (var sample = 0; sample < 20; sample++)
        {
            // ±1.5 kg of movement around 68 kg stays inside the 3.4 kg band (5 % of the first reading).
            ward.Reading(MdcCodes.BodyWeight, 68 + ((random.NextDouble() * 3) - 1.5), device: Scale);
            ward.Clock.Advance(s_sampleInterval);
        }

        Assert.True(ward.Engine.BedExitMonitoringAt(Ward.Bed1).SettledWeightKnown);
    }

    [Fact]
    public void Disarming_resolves_an_active_bed_exit_even_when_it_latches()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 0, seconds: 2);
        Weigh(ward, 80, seconds: 1);
        Assert.Equal(AlarmEventKind.Latched, ward.Events[^1].Kind);

        Assert.Equal(AlarmInputRejection.None, Arm(ward, armed: false));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.Empty(ward.Engine.ActiveAlarms());
        Assert.False(ward.Engine.BedExitMonitoringAt(Ward.Bed1).Armed);
    }

    [Fact]
    public void Discharge_disarms_the_bed_and_resolves_its_bed_exit()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 0, seconds: 2);

        ward.Send(new PatientDischarged(Ward.Bed1, StaffId.Parse("nurse.jones")));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.False(ward.Engine.BedExitMonitoringAt(Ward.Bed1).Armed);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 0, seconds: 3);
        Assert.Equal(2, ward.Events.Count);
    }

    [Fact]
    public void Arming_an_armed_bed_keeps_its_settled_weight_and_who_armed_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        var armedAt = ward.Now;
        Arm(ward);
        Weigh(ward, 80, seconds: 4);

        ward.Send(new BedExitMonitoringSet(Ward.Bed1, true, StaffId.Parse("nurse.patel"), ward.Now));

        Assert.Equal(new BedExitMonitoring(true, true, StaffId.Parse("nurse.jones"), armedAt), ward.Engine.BedExitMonitoringAt(Ward.Bed1));
        Assert.Equal([new BedExitMonitoringSet(Ward.Bed1, true, StaffId.Parse("nurse.jones"), armedAt)], ward.Engine.BedExitArmings());
    }

    [Fact]
    public void Each_bed_is_judged_on_its_own_weight()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        ward.Send(new BedExitMonitoringSet(Ward.Bed2, true, StaffId.Parse("nurse.jones"), ward.Now));
        for (var sample = 0; sample < 40; sample++)
        {
            ward.Reading(MdcCodes.BodyWeight, 80, device: Scale);
            ward.Reading(MdcCodes.BodyWeight, sample < 20 ? 60 : 0, Ward.Bed2, "ward7a-bed02-scale");
            ward.Clock.Advance(s_sampleInterval);
        }

        var raised = Assert.Single(ward.Events);
        Assert.Equal(((BedLocation?)Ward.Bed2, "ward7a-bed02-scale"), (raised.Alarm.Bed, raised.Alarm.DeviceId));
    }

    [Fact]
    public void A_scale_that_stops_reporting_while_the_load_is_low_still_raises_on_the_tick()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Arm(ward);
        Weigh(ward, 80, seconds: 4);
        Weigh(ward, 0, seconds: 0.2);

        ward.Advance(1);

        Assert.Equal(AlarmCondition.BedExit, Assert.Single(ward.Events).Alarm.Condition);
    }

    [Fact]
    public void Bad_arming_inputs_are_refused_and_change_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.InvalidStaffIdentity, ward.Send(new BedExitMonitoringSet(Ward.Bed1, true, default, ward.Now)));
        Assert.Equal(AlarmInputRejection.InvalidLocation, ward.Send(new BedExitMonitoringSet(default, true, StaffId.Parse("nurse.jones"), ward.Now)));
        Assert.False(ward.Engine.BedExitMonitoringAt(Ward.Bed1).Armed);
        Assert.Empty(ward.Engine.BedExitArmings());
    }

    private static AlarmInputRejection Arm(Ward ward, bool armed = true) =>
        ward.Send(new BedExitMonitoringSet(Ward.Bed1, armed, StaffId.Parse("nurse.jones"), ward.Now));

    /// <summary>The scale's samples at 5/s for <paramref name="seconds"/>, stopping early once <paramref name="until"/> holds; returns the samples sent.</summary>
    private static int Weigh(Ward ward, double kilograms, double seconds, Func<bool>? until = null) =>
        ward.Weigh(kilograms, (int)Math.Round(seconds / s_sampleInterval.TotalSeconds), Scale, until: until);
}
