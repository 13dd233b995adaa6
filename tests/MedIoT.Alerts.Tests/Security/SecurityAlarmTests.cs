using MedIoT.Alerts.Security;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Security;

public sealed class SecurityAlarmTests
{
    [Theory]
    [InlineData(FrameRejectionReason.BadSignature)]
    [InlineData(FrameRejectionReason.UnknownDevice)]
    [InlineData(FrameRejectionReason.RevokedDevice)]
    [InlineData(FrameRejectionReason.SequenceConflict)]
    [InlineData(FrameRejectionReason.ReplayedSequence)]
    [InlineData(FrameRejectionReason.KeyIdMismatch)]
    [InlineData(FrameRejectionReason.TopicMismatch)]
    public void Security_events_go_to_the_IT_channel_never_to_the_care_team(FrameRejectionReason reason)
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.None, ward.Send(new SecurityEvent(reason, "dev-9", Ward.Bed1)));

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmCategory.Security, AlarmChannel.InformationTechnology, AlarmPriority.Medium), (raised.Alarm.Category, raised.Alarm.Channel, raised.Alarm.Priority));
        Assert.Equal(AlarmCondition.Security(reason, "dev-9"), raised.Alarm.Condition);
        Assert.DoesNotContain(ward.Engine.ActiveAlarms(), a => a.Channel == AlarmChannel.CareTeam);
    }

    [Fact]
    public void Repeats_are_counted_on_one_alarm_that_stays_until_IT_acknowledges_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var attempt = 0; attempt < 50; attempt++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-9", null));
            ward.Advance(10);
        }

        var alarm = ward.Single(AlarmConditionKind.SecurityEvent);
        Assert.Equal(50, alarm.Occurrences);
        Assert.Single(ward.Of(AlarmEventKind.Raised));

        ward.Acknowledge(alarm.AlarmId, "it.oncall");

        Assert.Empty(ward.Engine.ActiveAlarms());
        Assert.Equal([AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], ward.Events.TakeLast(2).Select(e => e.Kind));
    }

    [Fact]
    public void An_unacknowledged_security_alarm_escalates_on_the_security_schedule()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new SecurityEvent(FrameRejectionReason.UnknownDevice, "stranger", null));

        ward.Advance(3599);
        Assert.Empty(ward.Of(AlarmEventKind.Escalated));
        ward.Advance(1);

        Assert.Single(ward.Of(AlarmEventKind.Escalated));
    }

    [Theory]
    [InlineData(FrameRejectionReason.MalformedPayload)]
    [InlineData(FrameRejectionReason.Oversize)]
    [InlineData(FrameRejectionReason.None)]
    public void A_rejection_that_is_not_a_security_reason_is_refused(FrameRejectionReason reason)
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.NotASecurityReason, ward.Send(new SecurityEvent(reason, "dev-9", null)));
        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_flood_of_invented_device_ids_is_capped_and_counted_on_one_alarm_per_reason()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        for (var index = 0; index < AlarmEngine.MaxSecurityAlarms + 1000; index++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.UnknownDevice, $"forged-{index}", null));
        }

        var active = ward.Engine.ActiveAlarms();
        Assert.Equal(AlarmEngine.MaxSecurityAlarms + 1, active.Count);
        var overflow = Assert.Single(active, a => a.Condition == AlarmCondition.Security(FrameRejectionReason.UnknownDevice, AlarmEngine.ManyDevices));
        Assert.Equal(1000, overflow.Occurrences);

        // Acknowledging frees room: a new device gets its own alarm again.
        ward.Acknowledge(active[0].AlarmId, "it.oncall");
        ward.Acknowledge(overflow.AlarmId, "it.oncall");
        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-7", null));
        Assert.NotNull(ward.Find(AlarmCondition.Security(FrameRejectionReason.BadSignature, "dev-7")));
    }
}
