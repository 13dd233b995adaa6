using MedIoT.Alerts;
using MedIoT.Alerts.Lifecycle;
using MedIoT.Alerts.Rules;
using MedIoT.Gateway.Alerts.Engine;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MedIoT.Gateway.Tests.Journal;

/// <summary>
/// Issue 14, the restore path: alarm events in a journal on disk, read back at a restart (by replay and from the replay
/// snapshot) into an <see cref="AlarmHistory"/>, made into the engine's <see cref="RestoreSnapshot"/> by
/// <see cref="AlarmRestore"/>, and a restored engine that carries on with the same ids, states and escalation clock and
/// watches every registered device. A journaled alarm that does not read back is left out and reported.
/// </summary>
public sealed class AlarmHistoryTests : IDisposable
{
    private static readonly DateTimeOffset s_t0 = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);
    private static readonly BedLocation s_bed1 = BedLocation.Parse("7A", "01");
    private static readonly BedLocation s_bed2 = BedLocation.Parse("7A", "02");
    private static readonly AlarmCondition s_spo2Low = AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("alarm-history");
    private readonly TestDevice _heard = new("ward7a-bed01-spo2", "7A", "01");
    private readonly TestDevice _neverHeard = new("ward7a-bed02-spo2", "7A", "02");
    private readonly TestDevice _revoked = new("ward7a-bed03-spo2", "7A", "03", revoked: true);
    private readonly GatewayIdentity _identity;
    private readonly DeviceRegistry _registry;
    private readonly AlarmRules _rules;

    public AlarmHistoryTests()
    {
        _identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "gateway-key.jwk"), "mediot.example/ward7a/gw-history", out _);
        _registry = new DeviceRegistry([_heard.Registration, _neverHeard.Registration, _revoked.Registration]);
        var rulesPath = Path.Combine(RepositoryLayout.Configs, "alert-rules.json");
        _rules = AlarmRules.Parse(File.ReadAllBytes(rulesPath), rulesPath);
    }

    private static AlarmEventEntry Entry(AlarmEventKind kind, int second, Alarm alarm) => AlarmEntries.ToEntry(new AlarmEvent(kind, s_t0.AddSeconds(second), alarm));

    /// <summary>
    /// The journal of the acceptance story: a high SpO2 alarm raised, escalated and latched (unacknowledged); a medium
    /// alarm acknowledged; one raised and resolved; one whose condition key does not read back; a frame of one device.
    /// </summary>
    private void WriteJournal()
    {
        var latched = new Alarm(1, s_spo2Low, s_bed1, _heard.DeviceId, AlarmPriority.High, s_t0, true, null, null, 0, 5, 1);
        var pulseHigh = new Alarm(2, AlarmCondition.VitalAbove(MdcCodes.PulseRateOximeter), s_bed1, _heard.DeviceId, AlarmPriority.Medium,
            s_t0.AddSeconds(2), true, null, null, 0, 5, 1);
        var gone = new Alarm(3, AlarmCondition.News2Score, s_bed2, null, AlarmPriority.Low, s_t0.AddSeconds(3), true, null, null, 0, 3, 1);
        var unreadable = new Alarm(4, AlarmCondition.VitalBelow(MdcCodes.RespirationRate), s_bed2, null, AlarmPriority.Medium, s_t0.AddSeconds(4),
            true, null, null, 0, null, 1);
        var clock = new FakeTimeProvider(s_t0.AddSeconds(5));
        using var journal = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64);
        var verifier = new FrameVerifier(_registry, Options.Create(new IngestionOptions { ReplayWindow = 64 }), journal.CreateSequenceHistory(), clock);
        var frame = verifier.Verify(_heard.Topic, _heard.Sign(_heard.Frame(second: 5))).Frame!;
        var damaged = Entry(AlarmEventKind.Raised, 4, unreadable);
        journal.Append([frame],
        [
            Entry(AlarmEventKind.Raised, 0, latched),
            Entry(AlarmEventKind.Raised, 2, pulseHigh),
            Entry(AlarmEventKind.Raised, 3, gone),
            // A record that decodes but whose condition key names no condition (as a key cut when journaled would).
            new AlarmEventEntry(damaged.EventUnixNanoseconds, damaged.EventKind, damaged.AlarmId, damaged.Priority, damaged.Category,
                damaged.EscalationLevel, damaged.News2Score, "vital-below/SpO2", damaged.Ward, damaged.Bed, damaged.DeviceId, damaged.AcknowledgedBy),
        ]);
        journal.Append([],
        [
            Entry(AlarmEventKind.Acknowledged, 10, pulseHigh with { AcknowledgedBy = "nurse.jones", AcknowledgedAt = s_t0.AddSeconds(10) }),
            Entry(AlarmEventKind.Resolved, 12, gone with { ConditionPresent = false }),
            Entry(AlarmEventKind.Latched, 20, latched with { ConditionPresent = false }),
            Entry(AlarmEventKind.Escalated, 60, latched with { ConditionPresent = false, EscalationLevel = 1 }),
        ]);
    }

    [Fact]
    public void A_journal_s_alarm_events_restore_the_active_alarms_with_their_ids_states_and_escalation_clock()
    {
        WriteJournal();
        var now = s_t0.AddSeconds(100);
        var (engine, snapshot, unreadable) = Restart(now);

        Assert.Equal(4, snapshot.LastAlarmId);
        Assert.Equal([4L], unreadable.Select(alarm => alarm.AlarmId));
        var alarms = engine.ActiveAlarms();
        Assert.Equal([1L, 2L], alarms.Select(alarm => alarm.AlarmId));

        var latched = alarms[0];
        Assert.Equal((s_spo2Low, s_bed1, AlarmPriority.High), (latched.Condition, latched.Bed, latched.Priority));
        Assert.Equal((false, false, 1, s_t0), (latched.ConditionPresent, latched.IsAcknowledged, latched.EscalationLevel, latched.RaisedAt));
        var acknowledged = alarms[1];
        Assert.Equal((AlarmPriority.Medium, "nurse.jones", s_t0.AddSeconds(10), true),
            (acknowledged.Priority, acknowledged.AcknowledgedBy, acknowledged.AcknowledgedAt, acknowledged.ConditionPresent));

        // Escalation resumes from the clock the journal kept: level 2 at 180 s after the raise, not 180 s after the restart.
        var events = new List<AlarmEvent>();
        engine.Tick(s_t0.AddSeconds(179), events);
        Assert.DoesNotContain(events, e => e.Kind == AlarmEventKind.Escalated);
        engine.Tick(s_t0.AddSeconds(180), events);
        var escalated = Assert.Single(events, e => e.Kind == AlarmEventKind.Escalated);
        Assert.Equal((1L, 2), (escalated.Alarm.AlarmId, escalated.Alarm.EscalationLevel));

        // New alarms (both devices went silent meanwhile) take ids after every journaled one, the unreadable one's included.
        Assert.Equal([5L, 6L], events.Where(e => e.Kind == AlarmEventKind.Raised).Select(e => e.Alarm.AlarmId).Order());

        // The latched alarm resolves when acknowledged.
        events.Clear();
        Assert.Equal(AlarmInputRejection.None, engine.Process(new AlarmAcknowledgement(1, StaffId.Parse("nurse.patel")), s_t0.AddSeconds(181), events));
        Assert.Equal([AlarmEventKind.Acknowledged, AlarmEventKind.Resolved], events.Select(e => e.Kind));
    }

    [Fact]
    public void Every_registered_device_is_watched_from_its_last_journaled_frame_or_from_the_start()
    {
        WriteJournal();
        var start = s_t0.AddSeconds(10);
        var (engine, snapshot, _) = Restart(start);

        // Revoked devices are not watched; the heard one from its frame (received at 5 s), the other from the start.
        Assert.Equal([(_heard.DeviceId, s_t0.AddSeconds(5)), (_neverHeard.DeviceId, start)],
            snapshot.Devices.Select(device => (device.DeviceId, device.LastHeard)));
        var silence = _rules.Technical.DeviceSilent.After;
        var events = new List<AlarmEvent>();
        engine.Tick(s_t0.AddSeconds(5) + silence - TimeSpan.FromSeconds(1), events);
        Assert.Empty(events);
        engine.Tick(s_t0.AddSeconds(5) + silence, events);
        Assert.Equal([AlarmCondition.DeviceSilent(_heard.DeviceId)], events.Select(e => e.Alarm.Condition));
        Assert.Equal(5L, events[0].Alarm.AlarmId);

        events.Clear();
        engine.Tick(start + silence - TimeSpan.FromSeconds(1), events);
        Assert.Empty(events);
        engine.Tick(start + silence, events);
        var silent = Assert.Single(events);
        Assert.Equal((AlarmCondition.DeviceSilent(_neverHeard.DeviceId), s_bed2), (silent.Alarm.Condition, silent.Alarm.Bed));
    }

    [Fact]
    public void The_replay_snapshot_carries_the_history_and_the_tail_after_it_is_folded_on_top()
    {
        WriteJournal();
        AlarmHistory replayed;
        using (var journal = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64))
        {
            replayed = journal.CreateAlarmHistory();
            journal.WriteSnapshot();
            // After the snapshot: the acknowledgement of the latched alarm and its resolution.
            var latched = new Alarm(1, s_spo2Low, s_bed1, _heard.DeviceId, AlarmPriority.High, s_t0, false, "nurse.patel", s_t0.AddSeconds(200), 1, 5, 1);
            journal.Append([], [Entry(AlarmEventKind.Acknowledged, 200, latched), Entry(AlarmEventKind.Resolved, 200, latched)]);
        }

        using var reopened = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64);
        Assert.True(reopened.RestoredFromSnapshotAt > 0);
        var history = reopened.CreateAlarmHistory();
        Assert.Equal([1L, 2L, 4L], replayed.ActiveAlarms.Select(alarm => alarm.AlarmId).Order());
        Assert.Equal([2L, 4L], history.ActiveAlarms.Select(alarm => alarm.AlarmId).Order());
        Assert.Equal(replayed.ActiveAlarms.Single(alarm => alarm.AlarmId == 2), history.ActiveAlarms.Single(alarm => alarm.AlarmId == 2));
        Assert.Equal(4, history.LastAlarmId);
        Assert.Equal(replayed.LastFrameTimes, history.LastFrameTimes);
    }

    [Fact]
    public void A_damaged_snapshot_is_ignored_and_the_history_is_rebuilt_from_the_whole_log()
    {
        WriteJournal();
        using (var journal = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64))
        {
            journal.WriteSnapshot();
        }

        // Cut the snapshot inside the alarm history.
        var snapshot = _folder.Combine("journal", "replay.snapshot");
        var bytes = File.ReadAllBytes(snapshot);
        File.WriteAllBytes(snapshot, bytes[..^20]);

        using var reopened = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64);
        Assert.Equal(0, reopened.RestoredFromSnapshotAt);
        Assert.Equal([1L, 2L, 4L], reopened.CreateAlarmHistory().ActiveAlarms.Select(alarm => alarm.AlarmId).Order());
    }

    [Fact]
    public void The_id_reservation_is_durable_ahead_of_the_ids_in_use_and_a_damaged_one_reads_as_damaged()
    {
        var path = _folder.Combine("alarm-ids.reserved");
        var reservation = AlarmIdReservation.Open(path, out var damaged);
        Assert.Equal((0L, false), (reservation.Reserved, damaged));
        Assert.True(reservation.IsBeyond(1));

        reservation.ReserveAfter(7);
        Assert.Equal(7 + AlarmIdReservation.BlockSize, AlarmIdReservation.Open(path, out _).Reserved);
        Assert.False(reservation.IsBeyond(7 + AlarmIdReservation.BlockSize));
        Assert.False(reservation.IsRunningLow(7 + (AlarmIdReservation.BlockSize / 2)));
        Assert.True(reservation.IsRunningLow(8 + (AlarmIdReservation.BlockSize / 2)));
        reservation.ReserveAfter(3);
        Assert.Equal(7 + AlarmIdReservation.BlockSize, AlarmIdReservation.Open(path, out _).Reserved);

        foreach (var content in new[] { "", "12", "12\n\n", "-5\n", "1e3\n", "99999999999999999999\n" })
        {
            File.WriteAllText(path, content);
            Assert.Equal((0L, true), (AlarmIdReservation.Open(path, out var isDamaged).Reserved, isDamaged));
        }
    }

    private (AlarmEngine Engine, RestoreSnapshot Snapshot, IReadOnlyList<JournaledAlarm> Unreadable) Restart(DateTimeOffset now)
    {
        using var journal = GatewayJournal.Open(_folder.Combine("journal"), _identity, 64);
        var snapshot = AlarmRestore.Create(journal.CreateAlarmHistory(), 0, _registry, now, out var unreadable);
        var engine = new AlarmEngine(_rules);
        var events = new List<AlarmEvent>();
        engine.Restore(snapshot, now, events);
        Assert.Empty(events);
        return (engine, snapshot, unreadable);
    }

    public void Dispose()
    {
        _heard.Dispose();
        _neverHeard.Dispose();
        _revoked.Dispose();
        _identity.Dispose();
        _folder.Dispose();
    }
}
