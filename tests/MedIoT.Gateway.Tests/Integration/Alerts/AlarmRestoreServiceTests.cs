using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Journal;
using MedIoT.Ledger.Entries;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Issue 14, in the test process on the fake alert clock: a gateway started on the folders of one that stopped restores its
/// active alarms from the journal before ingestion starts; a journaled alarm that does not read back is logged, counted and
/// left out, and nothing else is lost.
/// </summary>
public sealed class AlarmRestoreServiceTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const int SpO2 = MdcCodes.OxygenSaturation;
    private const string Oximeter = "test-7a-04-spo2";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_restarted_gateway_restores_its_alarms_and_logs_and_counts_a_journaled_alarm_that_does_not_read_back()
    {
        var folders = new Dictionary<string, string>
        {
            ["Gateway:Journal:Folder"] = ward.Combine("restore-journal"),
            ["Gateway:Identity:KeyFile"] = ward.Combine("restore-identity", "gateway-key.jwk"),
            ["Gateway:Alerts:OutboxFolder"] = ward.Combine("restore-outbox"),
            ["Gateway:Serial:StateFolder"] = ward.Combine("restore-serial"),
        };
        long alarmId;
        await using (var first = await ward.StartGatewayAsync(folders, devices: [Oximeter]))
        {
            await using var station = await first.ConnectStationAsync("alerts/#");
            for (var second = 0; second < 12; second++)
            {
                await first.SendAsync(Oximeter, first.Clock.GetUtcNow(), (SpO2, 80));
                await first.AdvanceAsync(TimeSpan.FromSeconds(1));
            }

            await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised" && e.Condition == "vital-below/150456"), s_wait, "the raised alarm");
            alarmId = station.Events.First(e => e.Event == "raised" && e.Condition == "vital-below/150456").AlarmId;
            await first.Service<JournalStatistics>().WaitUntilAsync(s => s.AlarmEventsJournaled >= first.Alerts.AlarmEvents, s_wait);
        }

        // A record that decodes but names no condition the engine knows (a key cut when journaled would read so), and one
        // that claims to be an alarm record (format version 2) but does not decode (a later record kind).
        using (var identity = GatewayIdentity.LoadOrCreate(folders["Gateway:Identity:KeyFile"], new IdentityOptions().Name, out var created))
        using (var journal = GatewayJournal.Open(folders["Gateway:Journal:Folder"], identity, 64))
        {
            Assert.False(created);
            journal.Append([], [new AlarmEventEntry((TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100, 1, alarmId + 1, 2, 1, 0, null,
                "vital-below/not-a-code", "7A", "04", Oximeter, null)]);
            journal.Log.AppendBatch([new byte[] { AlarmEventEntry.FormatVersion, 9, 1, 2, 3 }]);
        }

        await using var restarted = await ward.StartGatewayAsync(folders, devices: [Oximeter]);
        Assert.Equal(2, restarted.Alerts.AlarmsNotRestored);
        var logged = Assert.Single(restarted.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmNotRestored);
        Assert.Contains("vital-below/not-a-code", logged.Message, StringComparison.Ordinal);
        Assert.Single(restarted.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmEntryUnreadable);
        Assert.Contains(restarted.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.AlarmsRestored);

        var list = await restarted.Http.GetFromJsonAsync<JsonElement>("/alarms");
        var alarms = list.GetProperty("alarms").EnumerateArray().ToList();
        var restored = Assert.Single(alarms, alarm => alarm.GetProperty("condition").GetString() == "vital-below/150456");
        Assert.Equal((alarmId, "high", false), (restored.GetProperty("id").GetInt64(), restored.GetProperty("priority").GetString(),
            restored.GetProperty("acknowledged").GetBoolean()));
        Assert.DoesNotContain(alarms, alarm => alarm.GetProperty("condition").GetString() == "vital-below/not-a-code");

        // The restored alarm works like any other, and new alarms are numbered after the unreadable one's id.
        using var acknowledged = await restarted.AcknowledgeAsync(alarmId, "nurse.jones");
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        await restarted.AdvanceAsync(TimeSpan.FromSeconds(31));
        list = await restarted.Http.GetFromJsonAsync<JsonElement>("/alarms");
        var silent = Assert.Single(list.GetProperty("alarms").EnumerateArray(), alarm => alarm.GetProperty("condition").GetString() == $"device-silent/{Oximeter}");
        Assert.True(silent.GetProperty("id").GetInt64() > alarmId + 1);
        // The InfluxDB writer reports the record it cannot turn into points, as for any unreadable entry; nothing else errs.
        restarted.Logs.AssertNoErrors(GatewayLogEvents.JournalEntryUnreadable);
    }
}
