using System.Diagnostics.Metrics;
using MedIoT.Alerts;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Journal;

/// <summary>
/// Alarm events in the journal: the writer journals them beside frames (frames keep their acknowledgement order), they
/// do not touch any device's sequence history (before or after a restart), and the hand-over never waits.
/// </summary>
public sealed class AlarmJournalingTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset s_at = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("alarm-journal");
    private readonly TestDevice _device = new("ward7a-bed02-spo2");
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static AlarmEvent Event(AlarmEventKind kind, long id, AlarmCondition condition, string? acknowledgedBy = null, int? news2 = null) =>
        new(kind, s_at.AddSeconds(id), new Alarm(id, condition, BedLocation.Parse("7A", "02"), "ward7a-bed02-spo2", AlarmPriority.High, s_at,
            ConditionPresent: true, acknowledgedBy, acknowledgedBy is null ? null : s_at, EscalationLevel: 1, news2, Occurrences: 1));

    [Fact]
    public async Task Alarm_events_are_journaled_beside_frames_and_leave_the_sequence_history_alone()
    {
        using var identity = GatewayIdentity.LoadOrCreate(_folder.Combine("identity", "key.jwk"), "mediot.example/ward7a/gw-alarm-test", out _);
        var queue = new PendingFrameQueue(Options.Create(new IngestionOptions { PendingFrameCapacity = 64 }));
        var alarms = new AlarmJournalQueue(16);
        using var statistics = new JournalStatistics(_metrics.GetRequiredService<IMeterFactory>());
        byte[] redelivered;
        using (var journal = GatewayJournal.Open(_folder.Combine("journal"), identity, 64))
        {
            var verifier = new FrameVerifier(new DeviceRegistry([_device.Registration]), Options.Create(new IngestionOptions { ReplayWindow = 64 }),
                journal.CreateSequenceHistory(), TimeProvider.System);
            var acknowledged = new List<int>();
            redelivered = _device.SignNext();
            await queue.Writer.WriteAsync(new PendingFrame(verifier.Verify(_device.Topic, redelivered).Frame, _ => Acknowledge(acknowledged, 0)));
            Assert.True(alarms.TryEnqueue(Event(AlarmEventKind.Raised, 1, AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation))));
            Assert.True(alarms.TryEnqueue(Event(AlarmEventKind.Raised, 2, AlarmCondition.News2Score, news2: 7)));
            // A status key with a space ("SensorOff, NoCable"): journaled with '_' in its place.
            Assert.True(alarms.TryEnqueue(Event(AlarmEventKind.Acknowledged, 3,
                AlarmCondition.DeviceReports("ward7a-bed02-spo2", DeviceStatus.SensorOff | DeviceStatus.NoCable), acknowledgedBy: "Schwester Jürgen")));
            await queue.Writer.WriteAsync(new PendingFrame(verifier.Verify(_device.Topic, _device.SignNext()).Frame, _ => Acknowledge(acknowledged, 1)));

            var options = Options.Create(new JournalOptions { BatchSize = 100, MaxWaitMilliseconds = 0 });
            using var service = new JournalWriterService(queue, alarms, journal, statistics, options, TimeProvider.System, NullLogger<JournalWriterService>.Instance);
            await service.StartAsync(CancellationToken.None);
            await statistics.WaitUntilAsync(s => s.AlarmEventsJournaled == 3 && s.Appended == 2, s_timeout);

            // An alarm on its own, with no frame arriving: the writer wakes for it.
            Assert.True(alarms.TryEnqueue(Event(AlarmEventKind.Resolved, 1, AlarmCondition.VitalBelow(MdcCodes.OxygenSaturation))));
            await statistics.WaitUntilAsync(s => s.AlarmEventsJournaled == 4, s_timeout);
            await service.StopAsync(CancellationToken.None);
            Assert.Equal([0, 1], acknowledged);
            Assert.Equal(6, journal.Size);
        }

        var frames = 0;
        var events = new List<AlarmEventEntry>();
        using (var reopened = GatewayJournal.Open(_folder.Combine("journal"), identity, 64))
        {
            for (long index = 0; index < reopened.Size; index++)
            {
                var bytes = reopened.Log.ReadEntry(index);
                if (AlarmEventEntry.TryDecode(bytes, out var entry, out _))
                {
                    events.Add(entry);
                }
                else
                {
                    Assert.True(LedgerEntry.TryDecode(bytes, out _, out var failure), failure.ToString());
                    frames++;
                }
            }

            // After the restart (the replay read the alarm entries too) the device's history is its frames only.
            var verifier = new FrameVerifier(new DeviceRegistry([_device.Registration]), Options.Create(new IngestionOptions { ReplayWindow = 64 }),
                reopened.CreateSequenceHistory(), TimeProvider.System);
            Assert.True(verifier.Verify(_device.Topic, redelivered).IsDuplicate);
            Assert.NotNull(verifier.Verify(_device.Topic, _device.SignNext()).Frame);
        }

        Assert.Equal(2, frames);
        Assert.Equal([1L, 2, 3, 1], events.Select(e => e.AlarmId));
        Assert.Equal([(byte)1, 1, 4, 6], events.Select(e => e.EventKind));
        Assert.Equal(7, events[1].News2Score);
        Assert.Equal("news2", events[1].ConditionKey);
        Assert.Equal("device-status/SensorOff,_NoCable/ward7a-bed02-spo2", events[2].ConditionKey);
        Assert.Equal("Schwester Jürgen", events[2].AcknowledgedBy);
        Assert.All(events, e => Assert.Equal(("7A", "02", "ward7a-bed02-spo2", 1), (e.Ward, e.Bed, e.DeviceId, e.EscalationLevel)));
        Assert.Equal((s_at.AddSeconds(3) - DateTimeOffset.UnixEpoch).Ticks * 100, events[2].EventUnixNanoseconds);
    }

    [Fact]
    public void A_full_alarm_queue_refuses_at_once_instead_of_waiting()
    {
        var alarms = new AlarmJournalQueue(16);
        for (var i = 0; i < 16; i++)
        {
            Assert.True(alarms.TryEnqueue(Event(AlarmEventKind.Raised, i, AlarmCondition.GatewayBacklog)));
        }

        Assert.False(alarms.TryEnqueue(Event(AlarmEventKind.Raised, 16, AlarmCondition.GatewayBacklog)));
    }

    private static ValueTask Acknowledge(List<int> acknowledged, int arrival)
    {
        lock (acknowledged)
        {
            acknowledged.Add(arrival);
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _device.Dispose();
        _metrics.Dispose();
        _folder.Dispose();
    }
}
