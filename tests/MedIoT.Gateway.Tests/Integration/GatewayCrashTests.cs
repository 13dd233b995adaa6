using System.Globalization;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// Acceptance (issue 6): the gateway, a real child process, is killed with SIGKILL in the middle of a stream of 10,000
/// frames and started again. InfluxDB ends with every reading exactly once, the journal holds every frame exactly once,
/// and the log is consistent with every checkpoint signed before the crash.
/// </summary>
public sealed class GatewayCrashTests
{
    private const int Devices = 8;
    private const int FramesPerDevice = 1250;
    private const string Database = "mediot_crash";

    [Fact]
    public async Task A_gateway_killed_mid_stream_loses_nothing_stores_nothing_twice_and_keeps_its_checkpoints()
    {
        await using var ward = await GatewayWards.ChildProcess(Devices, "gw-crash", Database)
            .WithMosquittoConfiguration([])
            .WithSetting("Gateway:Journal:CheckpointEveryEntries", "500")
            .StartAsync();
        var journalFolder = ward.JournalFolder;
        await ward.StartGatewayAsync();

        // 8 devices at up to 500 frames/s each keep publishing through the crash and the restart, so the restarted
        // gateway resumes its persistent session with a backlog queued at the broker.
        var publishers = ward.Devices.Select(d => new ResilientPublisher(d, ward.Mosquitto.Host, ward.Mosquitto.Port)).ToArray();
        using var stop = new CancellationTokenSource(Ward.Timeout);
        var streams = Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, TimeSpan.FromMilliseconds(2), stop.Token)));

        // Kill in the middle: after the gateway has journaled and checkpointed part of the stream.
        await ward.WaitForAsync(() => GatewayJournal.ReadCheckpoints(journalFolder).Count >= 2, "two checkpoints before the crash");
        await ward.ChildProcess.KillAsync();
        var checkpointsBeforeCrash = GatewayJournal.ReadCheckpoints(journalFolder);
        var publishedAtCrash = publishers.Sum(p => p.Count);
        Assert.True(publishedAtCrash < Devices * FramesPerDevice, "the stream was over before the crash");

        // Frames the gateway had received but not acknowledged stay with the broker, with those published meanwhile.
        await ward.StartGatewayAsync();
        await streams.WaitAsync(Ward.Timeout);
        var published = publishers.Select(p => p.Acknowledged).ToArray();

        var expectedReadings = published.Sum(p => p.Sum(f => f.Observations.Count));
        await ward.WaitForAsync(async () => await ward.CountReadingsAsync() >= expectedReadings, $"{expectedReadings} readings in InfluxDB");
        await ward.Gateway!.StopAsync();

        // InfluxDB: every reading exactly once per series and time, with its value and its journal index.
        using var log = MerkleLog.Open(Path.Combine(journalFolder, "log"));
        var entries = JournalChecks.ReadEntries(log);
        foreach (var (device, frames) in ward.Devices.Zip(published))
        {
            var rows = await ward.Influx.QueryAsync(Database, $"SELECT * FROM vitals WHERE device = '{device.DeviceId}'");
            var stored = rows.ToDictionary(r => (r.Columns["code"].GetString(), r.TimeNanoseconds));
            Assert.Equal(frames.Sum(f => f.Observations.Count), rows.Count);
            foreach (var frame in frames)
            {
                foreach (var observation in frame.Observations)
                {
                    var row = stored[(observation.Code.ToString(CultureInfo.InvariantCulture), observation.TimeUnixNanoseconds)];
                    Assert.Equal(observation.Value, row.Columns["value"].GetDouble());
                    Assert.Equal(frame.SequenceNumber, row.Columns["seq"].GetInt64());
                    var entry = entries[checked((int)row.Columns["journal"].GetInt64())];
                    Assert.Equal((device.DeviceId, frame.SequenceNumber), (entry.DeviceId, entry.SequenceNumber));
                }
            }
        }

        // The journal: every frame exactly once (redeliveries after the crash were recognised as duplicates).
        Assert.Equal(Devices * FramesPerDevice, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => (e.DeviceId, e.SequenceNumber)).Distinct().Count());

        // Every checkpoint signed before the crash is kept, and the final log is consistent with each of them.
        var checkpoints = JournalChecks.AssertConsistentWithEveryCheckpoint(log, journalFolder, ward.CheckpointKey(), checkpointsBeforeCrash);
        Assert.True(checkpointsBeforeCrash.Count >= 2);
        Assert.Equal(log.Size, checkpoints[^1].Size); // the graceful stop signed the final tree
    }
}
