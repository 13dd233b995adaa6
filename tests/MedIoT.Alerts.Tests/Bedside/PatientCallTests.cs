using MedIoT.Alerts.Bedside;
using MedIoT.Alerts.Staff;

namespace MedIoT.Alerts.Tests.Bedside;

/// <summary>Issue 17, the patient's call button: a medium-priority care-team alarm until answered at the bed or acknowledged.</summary>
public sealed class PatientCallTests
{
    private const string CallButton = "ward7a-bed01-call";

    [Fact]
    public void A_press_raises_a_medium_patient_call_at_the_bed_and_the_answer_button_resolves_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.None, ward.Send(new PatientCallPressed(Ward.Bed1, CallButton)));

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmEventKind.Raised, AlarmCondition.PatientCall, AlarmPriority.Medium, AlarmCategory.Physiological, AlarmChannel.CareTeam),
            (raised.Kind, raised.Alarm.Condition, raised.Alarm.Priority, raised.Alarm.Category, raised.Alarm.Channel));
        Assert.Equal(((BedLocation?)Ward.Bed1, CallButton, "patient-call"), (raised.Alarm.Bed, raised.Alarm.DeviceId, raised.Alarm.Condition.Key));

        Assert.Equal(AlarmInputRejection.None, ward.Send(new PatientCallAnswered(Ward.Bed1, "ward7a-bed01-answer")));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void Acknowledging_a_patient_call_answers_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));

        Assert.Equal(AlarmInputRejection.None, ward.Acknowledge(ward.Single(AlarmConditionKind.PatientCall).AlarmId, "nurse.patel"));

        Assert.Equal([AlarmEventKind.Raised, AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], ward.Events.Select(e => e.Kind));
        Assert.Equal("nurse.patel", ward.Events[^1].Alarm.AcknowledgedBy);
        Assert.False(ward.Events[^1].Alarm.ConditionPresent);
        Assert.Empty(ward.Engine.ActiveAlarms());
    }

    [Fact]
    public void Pressing_again_while_the_call_is_active_is_one_call_and_a_press_after_the_answer_is_a_new_one()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));
        ward.Advance(5);
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));
        Assert.Single(ward.Events);

        ward.Send(new PatientCallAnswered(Ward.Bed1, CallButton));
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));

        Assert.Equal([1L, 2L], ward.Of(AlarmEventKind.Raised).Select(e => e.Alarm.AlarmId));
    }

    [Fact]
    public void An_unanswered_call_escalates_like_any_medium_care_team_alarm()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));

        ward.Advance(120);

        Assert.Equal(1, Assert.Single(ward.Of(AlarmEventKind.Escalated)).Alarm.EscalationLevel);
    }

    [Fact]
    public void An_answer_without_a_call_changes_nothing_and_a_call_answered_at_another_bed_stays()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        Assert.Equal(AlarmInputRejection.None, ward.Send(new PatientCallAnswered(Ward.Bed1, CallButton)));
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));

        ward.Send(new PatientCallAnswered(Ward.Bed2, "ward7a-bed02-answer"));

        Assert.Single(ward.Events);
        Assert.Equal((BedLocation?)Ward.Bed1, ward.Single(AlarmConditionKind.PatientCall).Bed);
    }

    [Fact]
    public void Discharge_resolves_a_patient_call()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new PatientCallPressed(Ward.Bed1, CallButton));

        ward.Send(new PatientDischarged(Ward.Bed1, StaffId.Parse("nurse.jones")));

        Assert.Equal(AlarmEventKind.Resolved, ward.Events[^1].Kind);
    }

    [Fact]
    public void Bad_call_inputs_are_refused_and_raise_nothing()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.InvalidLocation, ward.Send(new PatientCallPressed(default, CallButton)));
        Assert.Equal(AlarmInputRejection.InvalidDeviceId, ward.Send(new PatientCallPressed(Ward.Bed1, "")));
        Assert.Equal(AlarmInputRejection.InvalidDeviceId, ward.Send(new PatientCallPressed(Ward.Bed1, "call\nbutton")));
        Assert.Equal(AlarmInputRejection.InvalidDeviceId, ward.Send(new PatientCallAnswered(Ward.Bed1, new string('x', 65))));
        Assert.Empty(ward.Events);
    }
}
