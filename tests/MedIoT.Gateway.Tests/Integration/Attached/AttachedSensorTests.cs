using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Hosting;
using MedIoT.Gateway.Identity;
using MedIoT.Gateway.Ingestion;
using MedIoT.Gateway.Ingestion.Attached;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Gateway.Tests.Integration.Alerts;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Sensors.LoadCells;
using MedIoT.Sensors.Simulation;
using MedIoT.Testing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Integration.Attached;

/// <summary>
/// Issue 17 end to end, over real mosquitto and influxd, with the gateway host in the test process on the real clock: the
/// sensors of bed 07 are wired to the gateway on simulated chips (the real Iot.Device.Bindings drivers run against them),
/// moved by the bedside state file the test writes as the simulator does. Their readings are attested by the gateway,
/// journaled, stored with <c>attested=gateway</c> and provable offline; their alarms reach the ward's stations on MQTT.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AttachedSensorTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const string Bed = "07";
    private const string Scale = "bed07-scale";
    private const string Thermometer = "bed07-thermometer";
    private const string CallButton = "bed07-call";
    private const string ScaleDeviceId = "test-7a-07-scale";
    private const string ThermometerDeviceId = "test-7a-07-thermometer";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private static readonly BedsideState s_settled = new(LoadKilograms: 72.4, ObjectCelsius: 36.8, AmbientCelsius: 22.5, CallPresses: 0, AnswerPresses: 0,
        ScaleAnswering: true, ThermometerAnswering: true);

    [Fact]
    public async Task Weight_and_temperature_from_the_wired_sensors_are_attested_journaled_stored_and_provable_offline()
    {
        var started = TimeProvider.System.GetUtcNow();
        var (gateway, bedside) = await StartAsync();
        // The test class's gateways share one InfluxDB: only this gateway's readings, taken once the patient is in bed.
        var settledAt = TimeProvider.System.GetUtcNow();
        var registry = gateway.Service<IOptions<GatewayOptions>>().Value.DeviceRegistryPath;
        long scaleIndex;
        DateTimeOffset storedThrough;
        string journalFolder;
        Ledger.Checkpoints.NoteVerifierKey checkpointKey;
        Dictionary<string, string> auditSettings;
        await using (gateway)
        {
            BedsideStateFile.Write(bedside, s_settled);
            var influx = gateway.Service<IOptions<InfluxOptions>>().Value;
            var weights = await RowsAsync(gateway, influx.Database, ScaleDeviceId, MdcCodes.BodyWeight, atLeast: 3, from: settledAt);
            var temperatures = await RowsAsync(gateway, influx.Database, ThermometerDeviceId, MdcCodes.BodyTemperature, atLeast: 1, from: settledAt);
            Assert.All(weights, row =>
            {
                Assert.Equal("gateway", row.Columns["attested"].GetString());
                Assert.Equal("7A", row.Columns["ward"].GetString());
                Assert.Equal(Bed, row.Columns["bed"].GetString());
                Assert.InRange(row.Columns["value"].GetDouble(), 72.0, 72.8);
            });
            Assert.All(temperatures, row =>
            {
                Assert.Equal("gateway", row.Columns["attested"].GetString());
                Assert.InRange(row.Columns["value"].GetDouble(), 36.7, 36.9);
            });

            // Each sample is its own frame with its own sequence number, as any device's.
            Assert.Equal(weights.Count, weights.Select(row => row.Columns["seq"].GetInt64()).Distinct().Count());
            scaleIndex = weights[0].Columns["journal"].GetInt64();
            // The sensors keep sampling until the gateway stops, and what is journaled after the writer's last batch is
            // stored by the writer from its cursor at the next start (docs/architecture.md). Each sensor's frames are
            // journaled in sampling order and stored in journal order, so every reading up to the older of the two newest
            // stored readings is in InfluxDB: the audit covers that period.
            var newestStored = Math.Min(weights.Max(row => row.TimeNanoseconds), temperatures.Max(row => row.TimeNanoseconds));
            storedThrough = DateTimeOffset.UnixEpoch.AddTicks(newestStored / 100);

            var journal = gateway.Service<GatewayJournal>();
            await gateway.Service<JournalStatistics>().WaitUntilAsync(s => s.LastCheckpointSize > scaleIndex, s_wait);
            journalFolder = journal.Folder;
            checkpointKey = journal.Signer.VerifierKey;
            auditSettings = new Dictionary<string, string>
            {
                ["Gateway:DeviceRegistryPath"] = registry,
                ["Gateway:Influx:Url"] = influx.Url.ToString(),
                ["Gateway:Influx:Database"] = influx.Database,
                ["Gateway:Journal:Folder"] = journalFolder,
                ["Gateway:Identity:KeyFile"] = gateway.Service<IOptions<IdentityOptions>>().Value.KeyFile,
            };
            gateway.Logs.AssertNoErrors();
            Assert.DoesNotContain(gateway.Logs.GetSnapshot(), record => record.Message.Contains("72.4", StringComparison.Ordinal));
        }

        // The stored weight, proved offline from its journal entry by mediot-verify with the gateway's log key alone.
        var bundlePath = Path.Combine(ward.Folder, $"weight-{scaleIndex}-{Guid.NewGuid():N}.bundle");
        var audit = await CommandLine.RunAsync("dotnet",
            [GatewayProcess.AssemblyPath, "audit", "--from", started.ToString("O", CultureInfo.InvariantCulture), "--to", storedThrough.ToString("O", CultureInfo.InvariantCulture),
                "--bundle-for", scaleIndex.ToString(CultureInfo.InvariantCulture), "--bundle-out", bundlePath],
            GatewayProcess.Environment(auditSettings), ward.Folder);
        Assert.True(audit.ExitCode == 0, audit.Describe());
        // Over this gateway's period (the test class's gateways share one InfluxDB).
        Assert.Contains("missing 0, altered 0, unexplained 0", audit.Output, StringComparison.Ordinal);
        var verify = await CommandLine.RunAsync("dotnet", [CommandLine.VerifierAssembly, "bundle", bundlePath, "--log-key", checkpointKey.ToString()]);
        Assert.True(verify.ExitCode == 0, verify.Describe());
        Assert.Contains($"OK: entry {scaleIndex.ToString(CultureInfo.InvariantCulture)}", verify.Output, StringComparison.Ordinal);
        Assert.Contains(ScaleDeviceId, verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_leaving_an_armed_bed_raises_bed_exit_the_return_ends_it_and_a_disarmed_bed_raises_nothing()
    {
        var (gateway, bedside) = await StartAsync();
        await using (gateway)
        {
            await using var station = await gateway.ConnectStationAsync();
            BedsideStateFile.Write(bedside, s_settled);
            await gateway.Service<AttachedStatistics>().WaitUntilAsync(s => s.Readings >= 5, s_wait);
            using (var armed = await gateway.As("nurse.jones").PostAsJsonAsync($"/beds/7A/{Bed}/bed-exit", new { armed = true }))
            {
                Assert.Equal(HttpStatusCode.OK, armed.StatusCode);
            }

            // The settled weight is learned once the weight has been steady (alert rules, bedExit.settleSeconds).
            await WaitForSettledAsync(gateway);

            var left = TimeProvider.System.GetUtcNow();
            BedsideStateFile.Write(bedside, s_settled with { LoadKilograms = 0.6 });
            await station.WaitUntilAsync(s => s.Events.Any(e => e.Condition == "bed-exit" && e.Event == "raised"), s_wait, "bed exit raised");
            var raised = station.Events.Single(e => e.Condition == "bed-exit" && e.Event == "raised");
            Assert.Equal("high", raised.Priority);
            Assert.Contains($"/alerts/7A/{Bed}/", raised.Topic, StringComparison.Ordinal);
            // Raised for this exit, not before it. The 2-second budget itself is proven on a fake clock through the same
            // binding and rules (BedExitThroughTheScaleTests); on a shared machine's real clock a bound would time the host.
            Assert.True(raised.At >= left, $"bed exit raised at {raised.At:O}, before the patient left at {left:O}");

            BedsideStateFile.Write(bedside, s_settled);
            await station.WaitUntilAsync(
                s => s.Events.Any(e => e.AlarmId == raised.AlarmId && e.Event is "resolved" or "latched"), s_wait, "bed exit cleared on return");
            if (!station.Events.Any(e => e.AlarmId == raised.AlarmId && e.Event == "resolved"))
            {
                // A high-priority alarm latches until a nurse acknowledges it (alert rules, lifecycle.latchHighPriority).
                using var acknowledged = await gateway.AcknowledgeAsync(raised.AlarmId, "nurse.jones");
                Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
                await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == raised.AlarmId && e.Event == "resolved"), s_wait, "bed exit resolved");
            }

            // Disarmed, the same exit raises nothing: the engine judges at least 3 s of the empty bed's samples.
            using (var disarmed = await gateway.As("nurse.jones").PostAsJsonAsync($"/beds/7A/{Bed}/bed-exit", new { armed = false }))
            {
                Assert.Equal(HttpStatusCode.OK, disarmed.StatusCode);
            }

            var alerts = gateway.Service<AlarmStatistics>();
            var framesBefore = alerts.FramesProcessed;
            BedsideStateFile.Write(bedside, s_settled with { LoadKilograms = 0.6 });
            await alerts.WaitUntilAsync(s => s.FramesProcessed >= framesBefore + 15, s_wait);
            Assert.Single(station.Events, e => e.Condition == "bed-exit" && e.Event == "raised");
            gateway.Logs.AssertNoErrors();
        }
    }

    [Fact]
    public async Task A_bouncing_call_button_press_raises_one_patient_call_and_the_answer_button_at_the_bed_resolves_it()
    {
        var (gateway, bedside) = await StartAsync();
        await using (gateway)
        {
            await using var station = await gateway.ConnectStationAsync();
            BedsideStateFile.Write(bedside, s_settled with { CallPresses = 1 });
            await station.WaitUntilAsync(s => s.Events.Any(e => e.Condition == "patient-call" && e.Event == "raised"), s_wait, "the patient call");
            var call = station.Events.Single(e => e.Condition == "patient-call" && e.Event == "raised");
            Assert.Equal("medium", call.Priority);

            BedsideStateFile.Write(bedside, s_settled with { CallPresses = 1, AnswerPresses = 1 });
            await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == call.AlarmId && e.Event == "resolved"), s_wait, "the call answered");

            var attached = gateway.Service<AttachedStatistics>();
            Assert.Equal(2, attached.Presses);
            Assert.Single(station.Events, e => e.Condition == "patient-call" && e.Event == "raised");
            gateway.Logs.AssertNoErrors();
        }
    }

    [Fact]
    public async Task A_thermometer_that_stops_answering_raises_its_technical_alarm_stores_nothing_and_recovers_without_a_restart()
    {
        var (gateway, bedside) = await StartAsync();
        await using (gateway)
        {
            await using var station = await gateway.ConnectStationAsync();
            var influx = gateway.Service<IOptions<InfluxOptions>>().Value;
            BedsideStateFile.Write(bedside, s_settled);
            await RowsAsync(gateway, influx.Database, ThermometerDeviceId, MdcCodes.BodyTemperature, atLeast: 1, from: TimeProvider.System.GetUtcNow());

            BedsideStateFile.Write(bedside, s_settled with { ThermometerAnswering = false });
            var fault = "sensor-fault/" + ThermometerDeviceId;
            await station.WaitUntilAsync(s => s.Events.Any(e => e.Condition == fault && e.Event == "raised"), s_wait, "the sensor's technical alarm");
            var raised = station.Events.Single(e => e.Condition == fault && e.Event == "raised");
            Assert.Equal("medium", raised.Priority);
            var silentSince = raised.At.AddSeconds(-1);

            BedsideStateFile.Write(bedside, s_settled with { ObjectCelsius = 37.2 });
            await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == raised.AlarmId && e.Event == "resolved"), s_wait, "the alarm resolved");
            var rows = await RowsAsync(gateway, influx.Database, ThermometerDeviceId, MdcCodes.BodyTemperature, atLeast: 1,
                from: silentSince);
            // Nothing was stored while the sensor was silent: the first reading after it is the recovered one.
            Assert.InRange(rows[0].Columns["value"].GetDouble(), 37.1, 37.3);
            Assert.True(gateway.Service<AttachedStatistics>().Failures >= 3);
        }
    }

    [Fact]
    public async Task A_fever_from_the_infrared_thermometer_crosses_the_temperature_rule()
    {
        var (gateway, bedside) = await StartAsync();
        await using (gateway)
        {
            await using var station = await gateway.ConnectStationAsync();
            // 36.8 °C rising to 39.6 °C: the shipped rule's upper temperature limit is 39.05 °C (configs/alert-rules.json).
            for (var celsius = 36.8; celsius < 39.6; celsius += 0.4)
            {
                BedsideStateFile.Write(bedside, s_settled with { ObjectCelsius = Math.Round(celsius, 1) });
                var readings = gateway.Service<AttachedStatistics>().Readings;
                await gateway.Service<AttachedStatistics>().WaitUntilAsync(s => s.Readings >= readings + 4, s_wait);
            }

            BedsideStateFile.Write(bedside, s_settled with { ObjectCelsius = 39.6 });
            var condition = "vital-above/" + MdcCodes.BodyTemperature.ToString(CultureInfo.InvariantCulture);
            await station.WaitUntilAsync(s => s.Events.Any(e => e.Condition == condition && e.Event == "raised"), s_wait, "the fever alarm");
            Assert.DoesNotContain(station.Events, e => e.Condition.StartsWith("sensor-fault/", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// Calibrates the scale as docs/attached-sensors.md §3 says, with <c>mediot-gateway calibrate-scale</c> and the gateway's
    /// settings: the bed empty, then 20 kg on it.
    /// </summary>
    private static async Task CalibrateAsync(string folder, IReadOnlyDictionary<string, string> settings, string bedside)
    {
        var settingsFile = Path.Combine(folder, "calibrate.json");
        var root = new System.Text.Json.Nodes.JsonObject();
        foreach (var (key, value) in settings.Where(setting => setting.Key.StartsWith("Gateway:Attached:", StringComparison.Ordinal)))
        {
            var node = root;
            var parts = key.Split(':');
            foreach (var part in parts[..^1])
            {
                node = (System.Text.Json.Nodes.JsonObject)(node[part] ??= new System.Text.Json.Nodes.JsonObject());
            }

            node[parts[^1]] = value;
        }

        await File.WriteAllTextAsync(settingsFile, root.ToJsonString());
        foreach (var (load, step) in new[] { (0.0, new[] { "--empty" }), (20.0, new[] { "--known-kilograms", "20" }) })
        {
            BedsideStateFile.Write(bedside, s_settled with { LoadKilograms = load });
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await CalibrateScaleCommand.RunAsync(["--sensor", Scale, .. step, "--settings", settingsFile],
                arguments => GatewayHost.CreateBuilder(arguments).Build(), GatewayHost.SettingsSearch.Find, output, error);
            Assert.True(exit == 0, $"calibrate-scale {string.Join(' ', step)} exited {exit}: {output}{error}");
        }

        Assert.True(LoadCellCalibrationFile.TryRead(settings["Gateway:Attached:Sensors:0:CalibrationPath"], out _, out var problem), problem);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(settings["Gateway:Attached:Sensors:0:CalibrationPath"]));
    }

    private async Task WaitForSettledAsync(AlertGateway gateway)
    {
        using var timeout = new CancellationTokenSource(s_wait);
        var statistics = gateway.Service<AttachedStatistics>();
        while (true)
        {
            var state = await gateway.As("nurse.jones").GetFromJsonAsync<System.Text.Json.JsonElement>($"/beds/7A/{Bed}/bed-exit", timeout.Token);
            if (state.GetProperty("armed").GetBoolean() && state.GetProperty("settledWeightKnown").GetBoolean())
            {
                return;
            }

            var readings = statistics.Readings;
            await statistics.WaitUntilAsync(s => s.Readings > readings, s_wait, timeout.Token);
        }
    }

    private async Task<IReadOnlyList<InfluxRow>> RowsAsync(AlertGateway gateway, string database, string deviceId, int code, int atLeast, DateTimeOffset? from = null)
    {
        var since = ((from ?? DateTimeOffset.UnixEpoch).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var query = $"SELECT * FROM vitals WHERE device = '{deviceId}' AND code = '{code.ToString(CultureInfo.InvariantCulture)}' AND time >= {since.ToString(CultureInfo.InvariantCulture)}";
        var statistics = gateway.Service<IngestionStatistics>();
        using var timeout = new CancellationTokenSource(s_wait);
        // The writer creates the database with its first batch.
        await statistics.WaitUntilAsync(s => s.ObservationsStored > 0, s_wait, timeout.Token);
        while (true)
        {
            var stored = statistics.ObservationsStored;
            var rows = await ward.Influx.QueryAsync(database, query);
            if (rows.Count >= atLeast)
            {
                return rows;
            }

            // Wait for the writer to store more, never a fixed sleep.
            try
            {
                await statistics.WaitUntilAsync(s => s.ObservationsStored > stored, s_wait, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{rows.Count} of {atLeast} readings of {deviceId} stored within {s_wait.TotalSeconds} s. The gateway logged:{Environment.NewLine}" +
                    string.Join(Environment.NewLine, gateway.Logs.GetSnapshot().Select(record => $"{record.Level} {record.Category}: {record.Message}")));
            }
        }
    }

    /// <summary>
    /// A gateway whose registry holds bed 07's scale and thermometer (gateway-attested), with the three sensors on one
    /// simulated bedside moved by the returned state file, the scale calibrated for the simulated load cells.
    /// </summary>
    private async Task<(AlertGateway Gateway, string StatePath)> StartAsync()
    {
        var folder = Directory.CreateDirectory(Path.Combine(ward.Folder, "attached-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var bedside = Path.Combine(folder, "bedside.json");
        var calibration = Path.Combine(folder, "scale.calibration.json");
        const string sensors = "Gateway:Attached:Sensors:";
        // Only bed 07's wired devices: the gateway watches every registered device for silence from its start.
        var registry = Path.Combine(folder, "devices.json");
        await File.WriteAllTextAsync(registry, $$"""
            { "devices": [
              { "deviceId": "{{ScaleDeviceId}}", "kind": "bed-scale", "ward": "7A", "bed": "{{Bed}}", "trust": "gateway-attested" },
              { "deviceId": "{{ThermometerDeviceId}}", "kind": "ir-thermometer", "ward": "7A", "bed": "{{Bed}}", "trust": "gateway-attested" }
            ] }
            """);
        var settings = new Dictionary<string, string>
        {
            ["Gateway:DeviceRegistryPath"] = registry,
            ["Gateway:Attached:StateFolder"] = Path.Combine(folder, "state"),
            [sensors + "0:Name"] = Scale, [sensors + "0:Kind"] = "BedScale", [sensors + "0:Bus"] = "Simulated",
            [sensors + "0:DeviceId"] = ScaleDeviceId, [sensors + "0:DataPin"] = "5", [sensors + "0:ClockPin"] = "6",
            [sensors + "0:CalibrationPath"] = calibration, [sensors + "0:SimulationStatePath"] = bedside,
            [sensors + "1:Name"] = Thermometer, [sensors + "1:Kind"] = "Thermometer", [sensors + "1:Bus"] = "Simulated",
            [sensors + "1:DeviceId"] = ThermometerDeviceId, [sensors + "1:SampleIntervalMilliseconds"] = "250",
            [sensors + "1:SimulationStatePath"] = bedside,
            [sensors + "2:Name"] = CallButton, [sensors + "2:Kind"] = "CallButton", [sensors + "2:Bus"] = "Simulated",
            [sensors + "2:Ward"] = "7A", [sensors + "2:Bed"] = Bed, [sensors + "2:Pin"] = "17", [sensors + "2:AnswerPin"] = "27",
            [sensors + "2:SimulationStatePath"] = bedside,
            ["Gateway:Journal:CheckpointIntervalSeconds"] = "1",
        };
        await CalibrateAsync(folder, settings, bedside);
        BedsideStateFile.Write(bedside, s_settled);
        var gateway = await ward.StartGatewayAsync(settings, TimeProvider.System);
        return (gateway, bedside);
    }
}
