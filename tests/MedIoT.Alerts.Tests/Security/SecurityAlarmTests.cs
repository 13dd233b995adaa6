using MedIoT.Alerts.Security;
using MedIoT.Protocol.Frames;

namespace MedIoT.Alerts.Tests.Security;

public sealed class SecurityAlarmTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(FrameRejectionReason.BadSignature)]
    [InlineData(FrameRejectionReason.UnknownDevice)]
    [InlineData(FrameRejectionReason.RevokedDevice)]
    [InlineData(FrameRejectionReason.SequenceConflict)]
    [InlineData(FrameRejectionReason.ReplayedSequence)]
    [InlineData(FrameRejectionReason.KeyIdMismatch)]
    [InlineData(FrameRejectionReason.TopicMismatch)]
    public void Security_events_go_to_the_IT_channel_as_a_claim_never_to_the_care_team_nor_a_bed(FrameRejectionReason reason)
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        Assert.Equal(AlarmInputRejection.None, ward.Send(new SecurityEvent(reason, "dev-9")));

        var raised = Assert.Single(ward.Events);
        Assert.Equal((AlarmCategory.Security, AlarmChannel.InformationTechnology, AlarmPriority.Medium), (raised.Alarm.Category, raised.Alarm.Channel, raised.Alarm.Priority));
        Assert.Equal(AlarmCondition.Security(reason, "dev-9"), raised.Alarm.Condition);
        Assert.Equal(("dev-9", (BedLocation?)null), (raised.Alarm.DeviceId, raised.Alarm.Bed));
        Assert.DoesNotContain(ward.Engine.ActiveAlarms(), a => a.Channel == AlarmChannel.CareTeam);
    }

    [Fact]
    public void A_forged_frame_claiming_a_registered_device_never_touches_its_bed()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.NormalVitals(Ward.Bed2, "dev-b");
        var before = ward.Engine.AssessNews2(Ward.Bed2, ward.Now);
        ward.Events.Clear();

        for (var frame = 0; frame < 100; frame++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-b"));
        }

        ward.Advance(10);
        Assert.All(ward.Events, e => Assert.Null(e.Alarm.Bed));
        Assert.DoesNotContain(ward.Engine.ActiveAlarms(), a => a.Bed == Ward.Bed2);
        Assert.Equal(before!.AggregateScore, ward.Engine.AssessNews2(Ward.Bed2, ward.Now)!.AggregateScore);
    }

    [Fact]
    public void Repeats_are_counted_on_one_alarm_that_stays_until_IT_acknowledges_it()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        for (var attempt = 0; attempt < 50; attempt++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-9"));
            ward.Advance(10);
        }

        var alarm = ward.Single(AlarmConditionKind.SecurityEvent);
        Assert.Equal(50, alarm.Occurrences);
        Assert.Single(ward.Of(AlarmEventKind.Raised));
        Assert.Equal(49, ward.Engine.SecurityRepeatsSuppressed);

        ward.Acknowledge(alarm.AlarmId, "it.oncall");

        Assert.Empty(ward.Engine.ActiveAlarms());
        Assert.Equal([AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], ward.Events.TakeLast(2).Select(e => e.Kind));
    }

    /// <summary>
    /// Issue 14: 10,000 failing frames for one claimed device, one every 30 ms for five minutes, with IT acknowledging each
    /// alarm the moment it appears (the worst case: an acknowledged alarm no longer counts repeats). At most one alarm is
    /// raised per repeat interval; every other frame is counted as suppressed, and the repeats kept back after an
    /// acknowledgement are summarised in the alarm raised when the interval ends.
    /// </summary>
    [Fact]
    public void Ten_thousand_failing_frames_for_one_claimed_device_raise_one_alarm_per_interval_and_count_the_rest()
    {
        const int Frames = 10_000;
        var ward = new Ward(AlarmTestRules.Shipped());
        var start = ward.Now;
        for (var frame = 0; frame < Frames; frame++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-b"));
            foreach (var raised in ward.Events.Where(e => e.Kind == AlarmEventKind.Raised && !e.Alarm.IsAcknowledged).ToList())
            {
                ward.Acknowledge(raised.Alarm.AlarmId, "it.oncall");
            }

            ward.Clock.Advance(TimeSpan.FromMilliseconds(30));
            if (frame % 33 == 0)
            {
                ward.Engine.Tick(ward.Now, ward.Events);
            }
        }

        ward.Advance((int)s_interval.TotalSeconds);
        var elapsed = ward.Now - start;
        var raisedAlarms = ward.Of(AlarmEventKind.Raised).ToList();
        // One at the first frame, then at most one per interval (each window's repeats summarised once it ends).
        Assert.InRange(raisedAlarms.Count, 2, (int)(elapsed / s_interval) + 1);
        Assert.True(ward.Events.Count <= 3 * raisedAlarms.Count, "raised, acknowledged and resolved per alarm at most");
        Assert.All(raisedAlarms.Zip(raisedAlarms.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= s_interval));
        Assert.Equal(Frames, raisedAlarms.Sum(e => e.Alarm.Occurrences));
        Assert.Equal(Frames - 1, ward.Engine.SecurityRepeatsSuppressed);
        Assert.Equal(Frames - 1, raisedAlarms.Skip(1).Sum(e => e.Alarm.Occurrences));
    }

    [Fact]
    public void Repeats_after_an_acknowledgement_are_summarised_in_one_alarm_when_the_interval_ends()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new SecurityEvent(FrameRejectionReason.SequenceConflict, "dev-3"));
        ward.Acknowledge(ward.Single(AlarmConditionKind.SecurityEvent).AlarmId, "it.oncall");
        ward.Advance(60);
        for (var frame = 0; frame < 7; frame++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.SequenceConflict, "dev-3"));
        }

        ward.Advance(239);
        Assert.Single(ward.Of(AlarmEventKind.Raised));

        ward.Advance(1);
        var summary = ward.Of(AlarmEventKind.Raised).Last();
        Assert.Equal((7, AlarmCondition.Security(FrameRejectionReason.SequenceConflict, "dev-3")), (summary.Alarm.Occurrences, summary.Alarm.Condition));
        Assert.Equal(ward.Now, summary.At);

        // Without further frames nothing more is raised.
        ward.Acknowledge(summary.Alarm.AlarmId, "it.oncall");
        ward.Advance(3 * (int)s_interval.TotalSeconds);
        Assert.Equal(2, ward.Of(AlarmEventKind.Raised).Count());
    }

    [Fact]
    public void The_repeat_interval_comes_from_the_rules_file()
    {
        var rules = AlarmTestRules.Shipped(json => json["security"]!["repeatIntervalSeconds"] = 10);
        Assert.Equal(TimeSpan.FromSeconds(10), rules.Security.RepeatInterval);
        var ward = new Ward(rules);
        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-9"));
        ward.Acknowledge(ward.Single(AlarmConditionKind.SecurityEvent).AlarmId, "it.oncall");

        ward.Advance(9);
        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-9"));
        Assert.Single(ward.Of(AlarmEventKind.Raised));
        ward.Advance(1);
        Assert.Equal(2, ward.Of(AlarmEventKind.Raised).Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(86_401)]
    public void A_repeat_interval_out_of_range_is_refused_naming_the_setting(int seconds)
    {
        var error = Assert.Throws<InvalidDataException>(() => AlarmTestRules.Shipped(json => json["security"]!["repeatIntervalSeconds"] = seconds));
        Assert.Contains("$.security.repeatIntervalSeconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unacknowledged_security_alarm_escalates_on_the_security_schedule()
    {
        var ward = new Ward(AlarmTestRules.Shipped());
        ward.Send(new SecurityEvent(FrameRejectionReason.UnknownDevice, "stranger"));

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

        Assert.Equal(AlarmInputRejection.NotASecurityReason, ward.Send(new SecurityEvent(reason, "dev-9")));
        Assert.Empty(ward.Events);
    }

    [Fact]
    public void A_flood_of_invented_device_ids_is_capped_and_counted_on_one_alarm_per_reason()
    {
        var ward = new Ward(AlarmTestRules.Shipped());

        for (var index = 0; index < AlarmEngine.MaxSecurityAlarms + 1000; index++)
        {
            ward.Send(new SecurityEvent(FrameRejectionReason.UnknownDevice, $"forged-{index}"));
        }

        var active = ward.Engine.ActiveAlarms();
        Assert.Equal(AlarmEngine.MaxSecurityAlarms + 1, active.Count);
        var overflow = Assert.Single(active, a => a.Condition == AlarmCondition.Security(FrameRejectionReason.UnknownDevice, AlarmEngine.ManyDevices));
        Assert.Equal(1000, overflow.Occurrences);

        // Acknowledging frees room once the interval of the acknowledged alarms is over: a new device gets its own alarm again.
        ward.Acknowledge(active[0].AlarmId, "it.oncall");
        ward.Acknowledge(overflow.AlarmId, "it.oncall");
        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-7"));
        Assert.Null(ward.Find(AlarmCondition.Security(FrameRejectionReason.BadSignature, "dev-7")));
        Assert.NotNull(ward.Find(AlarmCondition.Security(FrameRejectionReason.BadSignature, AlarmEngine.ManyDevices)));

        ward.Acknowledge(ward.Find(AlarmCondition.Security(FrameRejectionReason.BadSignature, AlarmEngine.ManyDevices))!.AlarmId, "it.oncall");
        ward.Advance((int)s_interval.TotalSeconds);
        ward.Send(new SecurityEvent(FrameRejectionReason.BadSignature, "dev-8"));
        Assert.NotNull(ward.Find(AlarmCondition.Security(FrameRejectionReason.BadSignature, "dev-8")));
    }
}
