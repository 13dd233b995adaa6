using MedIoT.Alerts.News2;
using MedIoT.Alerts.Staff;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.News2;

public sealed class News2AlarmTests
{
    /// <summary>Keeps the bed's devices sending normal values (every second) with one channel replaced, for <paramref name="seconds"/>.</summary>
    private static void Observe(Ward ward, int seconds, int? code = null, double value = 72)
    {
        for (var second = 0; second < seconds; second++)
        {
            ward.Vitals(pulse: code == MdcCodes.PulseRateOximeter ? value : 72);

            ward.Advance(1);
        }
    }

    private static Alarm? News2Alarm(Ward ward) => ward.Find(AlarmCondition.News2Score);

    [Fact]
    public void Normal_observations_score_0_and_raise_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Consciousness(Consciousness.Alert);
        ward.Oxygen(false);

        Observe(ward, 60);

        var assessment = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.True(assessment.IsComplete);
        Assert.Equal((0, News2ResponseBand.Routine), (assessment.AggregateScore, assessment.Band));
        Assert.Empty(ward.Events);
    }

    [Fact]
    public void An_aggregate_of_1_to_4_raises_no_alarm_by_default()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Oxygen(true);

        Observe(ward, 60, MdcCodes.PulseRateOximeter, 95);

        var assessment = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal((3, News2ResponseBand.Low), (assessment.AggregateScore, assessment.Band));
        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_3_in_a_single_parameter_raises_a_low_priority_alarm_after_the_persistence_delay()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Observe(ward, 5);
        var recordedAt = ward.Now;

        ward.Consciousness(Consciousness.NewConfusion);
        Observe(ward, 29);
        Assert.Null(News2Alarm(ward));
        Observe(ward, 2);

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Raised, AlarmPriority.Low, 3), (raised.Kind, raised.Alarm.Priority, raised.Alarm.News2Score));
        Assert.Equal(recordedAt.AddSeconds(30), raised.At);
        Assert.Equal(News2ResponseBand.SingleParameter, ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!.Band);
    }

    [Fact]
    public void An_aggregate_of_5_raises_a_medium_priority_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Oxygen(true);                                               // 2

        for (var second = 0; second < 31; second++)
        {
            ward.Vitals(pulse: 95, spo2: 95, temperature: 38.5);         // 1 + 1 + 1
            ward.Advance(1);
        }

        var alarm = News2Alarm(ward)!;
        Assert.Equal((AlarmPriority.Medium, 5), (alarm.Priority, alarm.News2Score));
        Assert.Equal(AlarmCategory.Physiological, alarm.Category);
        Assert.Single(ward.Events);
    }

    [Fact]
    public void An_aggregate_of_7_raises_a_high_priority_alarm_and_a_rising_band_updates_the_same_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Oxygen(true);                                               // 2
        for (var second = 0; second < 31; second++)
        {
            ward.Vitals(pulse: 95, spo2: 95, temperature: 38.5);         // 1 + 1 + 1
            ward.Advance(1);
        }

        for (var second = 0; second < 31; second++)
        {
            ward.Vitals(pulse: 115, spo2: 95, temperature: 39.2);        // 2 + 1 + 2
            ward.Advance(1);
        }

        var alarm = News2Alarm(ward)!;
        Assert.Equal((AlarmPriority.High, 7), (alarm.Priority, alarm.News2Score));
        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Updated], ward.Events.Where(e => e.Alarm.Condition == AlarmCondition.News2Score).Select(e => e.Kind));
    }

    [Fact]
    public void A_lower_band_clears_the_alarm_only_after_the_clear_delay()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Observe(ward, 1);
        ward.Consciousness(Consciousness.Voice);
        Observe(ward, 31);
        Assert.NotNull(News2Alarm(ward));

        ward.Consciousness(Consciousness.Alert);
        Observe(ward, 119);
        Assert.NotNull(News2Alarm(ward));
        Observe(ward, 2);

        Assert.Null(News2Alarm(ward));
        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
    }

    [Fact]
    public void Values_older_than_their_freshness_window_are_missing_from_the_score()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.RespirationRate, 22);
        ward.Reading(MdcCodes.NoninvasiveSystolic, 105);

        ward.Advance(120);
        var fresh = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal((2, 1), (fresh.ScoreOf(News2Parameter.RespirationRate), fresh.ScoreOf(News2Parameter.SystolicBloodPressure)));

        ward.Advance(1);
        var later = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Null(later.ScoreOf(News2Parameter.RespirationRate));
        Assert.Contains(News2Parameter.RespirationRate, later.MissingParameters);
        Assert.Equal(1, later.ScoreOf(News2Parameter.SystolicBloodPressure));
        Assert.Equal(1, later.AggregateScore);
    }

    [Fact]
    public void A_NEWS2_alarm_is_not_cleared_by_values_going_stale_only_by_better_values()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Oxygen(true);
        for (var second = 0; second < 31; second++)
        {
            ward.Vitals(respiration: 22, pulse: 95);                     // 2 + 1
            ward.Advance(1);
        }

        Assert.Equal(AlarmPriority.Medium, News2Alarm(ward)!.Priority);

        // The device stops: its values go stale after 120 s, the fresh score drops to 2, but nothing shows improvement.
        ward.Advance(600);
        Assert.Equal(2, ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!.AggregateScore);
        Assert.Equal(AlarmPriority.Medium, News2Alarm(ward)!.Priority);
        Assert.NotNull(ward.Find(AlarmCondition.DeviceSilent("dev-1")));

        // Better values arrive: after the clear delay the alarm resolves.
        Observe(ward, 125);
        Assert.Null(News2Alarm(ward));
    }

    [Theory]
    [InlineData(OxygenSaturationScale.Scale1, false, 89, 3)]
    [InlineData(OxygenSaturationScale.Scale2, false, 89, 0)]
    [InlineData(OxygenSaturationScale.Scale2, false, 97, 0)]
    [InlineData(OxygenSaturationScale.Scale2, true, 97, 3)]
    [InlineData(OxygenSaturationScale.Scale2, true, 93, 1)]
    public void SpO2_is_scored_on_the_scale_set_for_the_patient_with_air_or_oxygen(OxygenSaturationScale scale, bool onOxygen, double spo2, int expected)
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Assert.Equal(AlarmInputRejection.None, ward.Send(new OxygenSaturationScaleSet(Ward.Bed1, scale, StaffId.Parse("dr.okafor"))));
        ward.Oxygen(onOxygen);

        ward.Reading(MdcCodes.OxygenSaturation, spo2);

        var assessment = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal(expected, assessment.ScoreOf(News2Parameter.OxygenSaturation));
        Assert.Equal((scale, "dr.okafor"), (assessment.Scale, assessment.ScaleSetBy));
        Assert.Equal(("dev-1", "nurse.jones"), (assessment.SourceOf(News2Parameter.OxygenSaturation), assessment.SourceOf(News2Parameter.AirOrOxygen)));
        Assert.Equal(ward.Now, assessment.TimeOf(News2Parameter.AirOrOxygen));
    }

    [Fact]
    public void On_scale_2_without_a_fresh_air_or_oxygen_record_the_score_stays_a_lower_bound()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new OxygenSaturationScaleSet(Ward.Bed1, OxygenSaturationScale.Scale2, StaffId.Parse("dr.okafor")));

        ward.Reading(MdcCodes.OxygenSaturation, 97);

        var assessment = ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!;
        Assert.Equal(0, assessment.ScoreOf(News2Parameter.OxygenSaturation));
        Assert.Contains(News2Parameter.AirOrOxygen, assessment.MissingParameters);
    }

    [Fact]
    public void Pulse_comes_from_the_oximeter_or_the_ECG_whichever_was_measured_last()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Reading(MdcCodes.PulseRateOximeter, 72);
        ward.Advance(1);
        ward.Reading(MdcCodes.HeartRateEcg, 115, device: "ecg-1");

        Assert.Equal(2, ward.Engine.AssessNews2(Ward.Bed1, ward.Now)!.ScoreOf(News2Parameter.Pulse));
    }

    [Fact]
    public void Staff_observations_need_a_staff_identity_and_a_valid_level()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        // An empty name is no staff identity: it cannot be made, and the default the caller is left with is refused.
        Assert.False(StaffId.TryCreate("", out _));
        Assert.Equal(AlarmInputRejection.InvalidStaffIdentity, ward.Send(new ConsciousnessRecorded(Ward.Bed1, Consciousness.Voice, default, ward.Now)));
        Assert.Equal(AlarmInputRejection.InvalidValue, ward.Send(new ConsciousnessRecorded(Ward.Bed1, (Consciousness)42, StaffId.Parse("nurse.jones"), ward.Now)));
        Assert.Equal(AlarmInputRejection.InvalidValue, ward.Send(new OxygenSaturationScaleSet(Ward.Bed1, (OxygenSaturationScale)3, StaffId.Parse("nurse.jones"))));

        Assert.Null(ward.Engine.AssessNews2(Ward.Bed1, ward.Now));
        Assert.Equal("consciousness recorded for 7A/01 by nurse.jones", new ConsciousnessRecorded(Ward.Bed1, Consciousness.Voice, StaffId.Parse("nurse.jones"), ward.Now).ToString());
    }
}
