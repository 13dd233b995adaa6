using System.Globalization;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Ledger.Checkpoints;
using MedIoT.Ledger.Storage;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>
/// Acceptance (issue 6): the gateway, a real child process, is killed with SIGKILL in the middle of a stream of 10,000
/// frames and started again. InfluxDB ends with every reading exactly once, the journal holds every frame exactly once,
/// and the log is consistent with every checkpoint signed before the crash.
/// </summary>
public sealed class GatewayCrashTests : IAsyncLifetime
{
    private const int Devices = 8;
    private const int FramesPerDevice = 1250;
    private const string Database = "mediot_crash";
    private const string IdentityName = "mediot.example/ward7a/gw-crash";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    private readonly TemporaryDirectory _folder = TemporaryDirectory.Create("gateway-crash");
    private MosquittoServer _mosquitto = null!;
    private InfluxServer _influx = null!;

    public async Task InitializeAsync()
    {
        var mosquitto = MosquittoServer.StartAsync([]);
        var influx = InfluxServer.StartAsync();
        _mosquitto = await mosquitto;
        _influx = await influx;
    }

    public async Task DisposeAsync()
    {
        await _mosquitto.DisposeAsync();
        await _influx.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_gateway_killed_mid_stream_loses_nothing_stores_nothing_twice_and_keeps_its_checkpoints()
    {
        var ward = WardProvisioner.Provision(_folder.Combine("ward"), "7A", Devices);
        var journalFolder = _folder.Combine("state", "journal");
        var identityKey = _folder.Combine("identity", "gateway-key.jwk");
        var settings = new Dictionary<string, string>
        {
            ["Gateway:GatewayId"] = "gw-crash",
            ["Gateway:DeviceRegistryPath"] = _folder.Combine("ward", WardProvisioner.RegistryFileName),
            ["Gateway:Mqtt:Port"] = GatewayProcess.Text(_mosquitto.Port),
            ["Gateway:Mqtt:ReconnectInitialDelayMilliseconds"] = "100",
            ["Gateway:Influx:Url"] = _influx.BaseAddress.ToString(),
            ["Gateway:Influx:Database"] = Database,
            ["Gateway:Influx:FlushIntervalMilliseconds"] = "20",
            ["Gateway:Influx:RetryInitialDelayMilliseconds"] = "50",
            ["Gateway:Influx:RetryMaximumDelayMilliseconds"] = "500",
            ["Gateway:Http:Url"] = "http://127.0.0.1:0",
            ["Gateway:Identity:KeyFile"] = identityKey,
            ["Gateway:Identity:Name"] = IdentityName,
            ["Gateway:Serial:StateFolder"] = _folder.Combine("state", "serial"),
            ["Gateway:Journal:Folder"] = journalFolder,
            ["Gateway:Journal:CheckpointEveryEntries"] = "500",
        };

        var gateway = await GatewayProcess.StartAsync(_folder.Path, settings);
        try
        {
            // 8 devices at up to 500 frames/s each keep publishing through the crash and the restart, so the restarted
            // gateway resumes its persistent session with a backlog queued at the broker.
            var publishers = ward.Select(d => new ResilientPublisher(d, _mosquitto.Host, _mosquitto.Port)).ToArray();
            using var stop = new CancellationTokenSource(s_timeout);
            var streams = Task.WhenAll(publishers.Select(p => p.RunAsync(FramesPerDevice, TimeSpan.FromMilliseconds(2), stop.Token)));

            // Kill in the middle: after the gateway has journaled and checkpointed part of the stream.
            await WaitForAsync(() => GatewayJournal.ReadCheckpoints(journalFolder).Count >= 2, "two checkpoints before the crash", gateway);
            await gateway.KillAsync();
            var checkpointsBeforeCrash = GatewayJournal.ReadCheckpoints(journalFolder);
            var publishedAtCrash = publishers.Sum(p => p.Count);
            Assert.True(publishedAtCrash < Devices * FramesPerDevice, "the stream was over before the crash");

            // Frames the gateway had received but not acknowledged stay with the broker, with those published meanwhile.
            await gateway.DisposeAsync();
            gateway = await GatewayProcess.StartAsync(_folder.Path, settings);
            await streams.WaitAsync(s_timeout);
            var published = publishers.Select(p => p.Acknowledged).ToArray();

            var expectedReadings = published.Sum(p => p.Sum(f => f.Observations.Count));
            await WaitForAsync(async () => await CountReadingsAsync() >= expectedReadings, $"{expectedReadings} readings in InfluxDB", gateway);
            await gateway.StopAsync();

            // InfluxDB: every reading exactly once per series and time, with its value and its journal index.
            using var log = MerkleLog.Open(Path.Combine(journalFolder, "log"));
            var entries = JournalChecks.ReadEntries(log);
            foreach (var (device, frames) in ward.Zip(published))
            {
                var rows = await _influx.QueryAsync(Database, $"SELECT * FROM vitals WHERE device = '{device.DeviceId}'");
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
            using var identity = GatewayIdentity.LoadOrCreate(identityKey, IdentityName, out _);
            var key = NoteVerifierKey.Create(IdentityName, identity.PublicKey);
            var checkpoints = JournalChecks.AssertConsistentWithEveryCheckpoint(log, journalFolder, key, checkpointsBeforeCrash);
            Assert.True(checkpointsBeforeCrash.Count >= 2);
            Assert.Equal(log.Size, checkpoints[^1].Size); // the graceful stop signed the final tree
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    private async Task<long> CountReadingsAsync()
    {
        var rows = await _influx.QueryAsync(Database, "SELECT COUNT(\"value\") FROM vitals");
        return rows.Count == 0 ? 0 : rows[0].Columns["count"].GetInt64();
    }

    private static Task WaitForAsync(Func<bool> condition, string what, GatewayProcess gateway) =>
        WaitForAsync(() => Task.FromResult(condition()), what, gateway);

    /// <summary>Re-checks <paramref name="condition"/> every 50 ms (the gateway is another process: no event to await), bounded.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what, GatewayProcess gateway)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = TimeProvider.System.GetTimestamp() + (long)(s_timeout.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!await condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Waited {s_timeout.TotalSeconds:0} s for {what}. The gateway's log:{Environment.NewLine}{gateway.RecentOutput}");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
