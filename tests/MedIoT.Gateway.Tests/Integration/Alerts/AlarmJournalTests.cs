using System.Net;
using MedIoT.Cryptography;
using MedIoT.Gateway.Audit;
using MedIoT.Gateway.Devices;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Entries;
using MedIoT.Ledger.Storage;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Issue 7, "every alarm event is journaled and written to InfluxDB", over real mosquitto and influxd: the alarm events
/// of a desaturation (raised, latched, acknowledged by a nurse, resolved) are entries of the gateway's journal (read from
/// its folder after the gateway stopped), points of the InfluxDB measurement <c>alarms</c> carrying their journal index,
/// the audit over the period still finds every reading and nothing unexplained, and mediot-verify proves an alarm entry.
/// </summary>
public sealed class AlarmJournalTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const int SpO2 = MdcCodes.OxygenSaturation;
    private const string Oximeter = "test-7a-02-spo2";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_desaturations_alarm_events_are_in_the_journal_and_in_influxdb_and_the_audit_stays_clean()
    {
        var gateway = await ward.StartGatewayAsync(new Dictionary<string, string> { ["Gateway:Journal:CheckpointIntervalSeconds"] = "1" });
        string journalFolder;
        Ledger.Checkpoints.NoteVerifierKey checkpointKey;
        List<string> published;
        long alarmId;
        IReadOnlyList<Testing.InfluxRow> rows;
        InfluxOptions influxOptions;
        string identityKeyFile;
        try
        {
            await using var station = await gateway.ConnectStationAsync();
            for (var second = 0; second <= 10; second++)
            {
                await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 80));
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }

            for (var second = 0; second < 3; second++)
            {
                await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 97));
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }

            await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "latched"), s_wait, "the latched event");
            alarmId = station.Events.Single(e => e.Event == "raised").AlarmId;
            using (var response = await gateway.AcknowledgeAsync(alarmId, "nurse.jones"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved"), s_wait, "the resolved event");
            published = [.. station.Events.Where(e => e.AlarmId == alarmId).Select(e => e.Event)];
            Assert.Equal(["raised", "latched", "acknowledged", "resolved"], published.Where(e => e != "updated"));

            var journal = gateway.Service<GatewayJournal>();
            var statistics = gateway.Service<JournalStatistics>();
            await statistics.WaitUntilAsync(s => s.AlarmEventsJournaled >= published.Count && s.WriterPosition == journal.Size, s_wait);
            Assert.Equal(0, statistics.AlarmEventsNotJournaled);
            journalFolder = journal.Folder;
            checkpointKey = journal.Signer.VerifierKey;
            influxOptions = gateway.Service<IOptions<InfluxOptions>>().Value;
            identityKeyFile = gateway.Service<IOptions<IdentityOptions>>().Value.KeyFile;
            rows = await ward.Influx.QueryAsync(influxOptions.Database, $"SELECT * FROM alarms WHERE alarm_id = {alarmId}");
            gateway.Logs.AssertNoErrors();
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        // The journal, read from its folder after the gateway stopped (its last checkpoint covers everything).
        using var log = MerkleLogReader.Open(Path.Combine(journalFolder, "log"));
        var alarms = new List<(long Index, AlarmEventEntry Entry)>();
        for (long index = 0; index < log.Size; index++)
        {
            var bytes = log.ReadEntry(index);
            if (AlarmEventEntry.IsGatewayEvent(bytes))
            {
                Assert.True(AlarmEventEntry.TryDecode(bytes, out var entry, out var failure), failure.ToString());
                alarms.Add((index, entry));
            }
            else
            {
                Assert.True(LedgerEntry.TryDecode(bytes, out _, out var failure), failure.ToString());
            }
        }

        var mine = alarms.Where(a => a.Entry.AlarmId == alarmId).ToList();
        string[] kinds = ["", "raised", "updated", "escalated", "acknowledged", "latched", "resolved"];
        Assert.Equal(published, mine.Select(a => kinds[a.Entry.EventKind]));
        Assert.All(mine, a =>
        {
            Assert.Equal("vital-below/150456", a.Entry.ConditionKey);
            Assert.Equal(("7A", "02", (byte)3, (byte)1), (a.Entry.Ward, a.Entry.Bed, a.Entry.Priority, a.Entry.Category));
        });
        Assert.Equal("nurse.jones", mine.Single(a => a.Entry.EventKind == 4).Entry.AcknowledgedBy);
        Assert.Null(mine[0].Entry.AcknowledgedBy);

        // InfluxDB: one point per event, with its journal index, event time and tags; no patient value.
        Assert.Equal(mine.Count, rows.Count);
        foreach (var (index, entry) in mine)
        {
            var row = Assert.Single(rows, r => r.Columns["journal"].GetInt64() == index);
            Assert.Equal(entry.EventUnixNanoseconds, row.TimeNanoseconds);
            Assert.Equal("7A", row.Columns["ward"].GetString());
            Assert.Equal("02", row.Columns["bed"].GetString());
            Assert.Equal("vital-below/150456", row.Columns["condition"].GetString());
            Assert.Equal("high", row.Columns["priority"].GetString());
            Assert.Equal("physiological", row.Columns["category"].GetString());
            Assert.Equal("care-team", row.Columns["channel"].GetString());
            Assert.Equal(0, row.Columns["escalation"].GetInt64());
            Assert.False(row.Columns.ContainsKey("value"));
        }

        Assert.Equal(published,
            rows.OrderBy(r => r.Columns["journal"].GetInt64()).Select(r => r.Columns["kind"].GetString()));
        Assert.Equal("nurse.jones", rows.Single(r => r.Columns["kind"].GetString() == "acknowledged").Columns["acknowledged_by"].GetString());

        // The audit over the whole period: alarm entries are neither missing nor unexplained readings.
        var latest = JournalAudit.LatestCheckpoint(journalFolder, checkpointKey);
        Assert.NotNull(latest);
        Assert.Equal(log.Size, latest.Value.Checkpoint.Size);
        Assert.True(AuditRequest.TryParse(["--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"], out var request, out var problem), problem);
        using var http = new HttpClient();
        var reader = new InfluxReadClient(http, influxOptions);
        var points = await reader.ReadAsync(request, CancellationToken.None);
        var alarmPoints = await reader.ReadAlarmsAsync(request, CancellationToken.None);
        var audit = new JournalAudit(log, latest.Value.Checkpoint, DeviceRegistry.Load(ward.RegistryPath));
        var findings = audit.Run(request, points, alarmPoints);
        Assert.Empty(findings);
        Assert.Equal(14, audit.ExpectedReadings);
        Assert.Equal(14, audit.Verified);
        Assert.Equal((alarms.Count, alarms.Count, alarms.Count), (alarmPoints.Count, audit.ExpectedAlarmEvents, audit.AlarmEventsVerified));

        // The audit command itself, as its own process with the gateway's settings, over the same period.
        var settings = new Dictionary<string, string>
        {
            ["Gateway:DeviceRegistryPath"] = ward.RegistryPath,
            ["Gateway:Influx:Url"] = influxOptions.Url.ToString(),
            ["Gateway:Influx:Database"] = influxOptions.Database,
            ["Gateway:Journal:Folder"] = journalFolder,
            ["Gateway:Identity:KeyFile"] = identityKeyFile,
        };
        // It writes the proof bundle of the acknowledgement entry (--bundle-for), which mediot-verify proves with the log
        // key alone: who acknowledged which alarm, and when.
        var acknowledgement = mine.Single(a => a.Entry.EventKind == 4).Index;
        var bundlePath = Path.Combine(ward.Folder, $"alarm-{acknowledgement}-{Guid.NewGuid():N}.bundle");
        var command = await CommandLine.RunAsync("dotnet",
            [GatewayProcess.AssemblyPath, "audit", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z",
                "--bundle-for", acknowledgement.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bundle-out", bundlePath],
            GatewayProcess.Environment(settings), ward.Folder);
        Assert.True(command.ExitCode == 0, command.Describe());
        Assert.Contains("14 readings journaled in range; verified against the signed checkpoint 14", command.Output, StringComparison.Ordinal);
        Assert.Contains($"{alarms.Count} alarm points read, {alarms.Count} alarm events journaled in range; verified against the signed checkpoint {alarms.Count}",
            command.Output, StringComparison.Ordinal);
        Assert.Contains("missing 0, altered 0, unexplained 0", command.Output, StringComparison.Ordinal);
        Assert.Contains($"bundle: entry {acknowledgement} written to {bundlePath}", command.Output, StringComparison.Ordinal);
        var verify = await CommandLine.RunAsync("dotnet", [CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", checkpointKey.ToString()]);
        Assert.True(verify.ExitCode == 0, verify.Describe());
        Assert.Contains($"OK: entry {acknowledgement} (alarm {alarmId} event kind 4, condition vital-below/150456 at 7A/02, gateway event)", verify.Output, StringComparison.Ordinal);

        // Tampering with the alarms measurement: the raised point deleted, the acknowledgement rewritten to name another
        // nurse (same series and time: InfluxDB merges the field into the existing point), and an alarm point no journal entry explains.
        var raised = mine.First(a => a.Entry.EventKind == 1);
        var database = influxOptions.Database;
        await ward.Influx.QueryAsync(database, $"DELETE FROM alarms WHERE \"kind\" = 'raised' AND \"condition\" = 'vital-below/150456' AND time = {raised.Entry.EventUnixNanoseconds}");
        var acknowledged = rows.Single(r => r.Columns["kind"].GetString() == "acknowledged");
        await WriteLineAsync(influxOptions,
            $"alarms,bed=02,category=physiological,channel=care-team,condition=vital-below/150456,kind=acknowledged,priority=high,ward=7A " +
            $"acknowledged_by=\"nurse.other\" {acknowledged.TimeNanoseconds}");
        await WriteLineAsync(influxOptions,
            $"alarms,bed=02,category=physiological,channel=care-team,condition=vital-below/150456,kind=raised,priority=high,ward=7A " +
            $"alarm_id=999999i,escalation=0i,journal=0i {raised.Entry.EventUnixNanoseconds + 1}");

        var tampered = await reader.ReadAlarmsAsync(request, CancellationToken.None);
        var audit2 = new JournalAudit(log, latest.Value.Checkpoint, DeviceRegistry.Load(ward.RegistryPath));
        var found = audit2.Run(request, await reader.ReadAsync(request, CancellationToken.None), tampered);
        Assert.Equal(
            [(AuditFindingKind.Missing, (long?)raised.Index), (AuditFindingKind.Altered, acknowledgement), (AuditFindingKind.Unexplained, 0)],
            found.Select(f => (f.Kind, f.JournalIndex)).OrderBy(f => f.Kind));
        Assert.All(found, f => Assert.Equal(JournalAudit.AlarmCode, f.Code));
        Assert.Contains("acknowledged_by differ", found.Single(f => f.Kind == AuditFindingKind.Altered).Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(found, f => f.Detail.Contains("nurse.other", StringComparison.Ordinal));
        Assert.Equal(alarms.Count - 2, audit2.AlarmEventsVerified);

        var tamperedCommand = await CommandLine.RunAsync("dotnet", [GatewayProcess.AssemblyPath, "audit", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"],
            GatewayProcess.Environment(settings), ward.Folder);
        Assert.True(tamperedCommand.ExitCode == 1, tamperedCommand.Describe());
        Assert.Contains("missing 1, altered 1, unexplained 1", tamperedCommand.Output, StringComparison.Ordinal);
        Assert.Contains($"code=alarm-event time=", tamperedCommand.Output, StringComparison.Ordinal);
        Assert.Contains($"MISSING journal={raised.Index} device=", tamperedCommand.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A full alarm journal queue never holds an alarm back: with room for 16 alarm events and a journal that commits
    /// and signs a checkpoint after every entry, a burst of 250 forged frames from unknown devices raises 250 security
    /// alarms faster than they can be journaled. Every one of them still reaches IT over MQTT; the ones the queue
    /// refused are counted and logged (event 86), and journaled plus refused add up to every event.
    /// </summary>
    [Fact]
    public async Task A_full_alarm_journal_queue_still_delivers_every_alarm_and_counts_what_it_could_not_journal()
    {
        const int Forged = 250; // below AlarmEngine.MaxSecurityAlarms, so each is its own alarm
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Journal:AlarmEventCapacity"] = "16",
            ["Gateway:Journal:BatchSize"] = "1",
            ["Gateway:Journal:MaxWaitMilliseconds"] = "0",
            ["Gateway:Journal:CheckpointEveryEntries"] = "1",
        });
        await using var it = await gateway.ConnectStationAsync("it/security");
        using var attackerKey = Ed25519PrivateKey.Generate();
        // The broker's test account publishes on topics no device account may (the shipped ACL would drop these frames).
        await using var attacker = new MqttClient(ward.TestClientOptions("attacker"));
        await attacker.ConnectAsync(CancellationToken.None);

        // Pipelined QoS 1 publishes: the burst reaches the gateway as fast as the broker forwards it.
        await Task.WhenAll(Enumerable.Range(0, Forged).Select(index =>
        {
            var deviceId = $"intruder-{index:000}";
            var frame = new DeviceFrame(deviceId, 1, [new Observation(SpO2, 97, "%", 0)]);
            return attacker.PublishAsync(new MqttApplicationMessage($"mediot/v1/devices/{deviceId}/frames", JwsFrameEncoder.Encode(frame, attackerKey)),
                CancellationToken.None);
        }));

        await it.WaitUntilAsync(s => s.Events.Count(e => e.Event == "raised") >= Forged, s_wait, "every security alarm");
        Assert.Equal(Forged, it.Events.Where(e => e.Event == "raised").Select(e => e.Condition).Distinct().Count());
        var journal = gateway.Service<JournalStatistics>();
        await journal.WaitUntilAsync(s => s.AlarmEventsJournaled + s.AlarmEventsNotJournaled >= gateway.Alerts.AlarmEvents, s_wait);
        Assert.Equal(gateway.Alerts.AlarmEvents, journal.AlarmEventsJournaled + journal.AlarmEventsNotJournaled);
        Assert.True(journal.AlarmEventsNotJournaled > 0, $"all {journal.AlarmEventsJournaled} alarm events were journaled: the queue never filled");
        Assert.True(journal.AlarmEventsJournaled >= 16, $"only {journal.AlarmEventsJournaled} alarm events were journaled");

        // Logged as an error (the first, then every 1,000th), without values; nothing else went wrong.
        var errors = gateway.Logs.GetSnapshot().Where(entry => entry.Level >= LogLevel.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, entry => Assert.Equal(GatewayLogEvents.AlarmJournalQueueFull, entry.Id.Id));
    }

    private static async Task WriteLineAsync(InfluxOptions options, string line)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(options.Url, $"write?db={options.Database}&precision=ns"), new StringContent(line));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
