using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// Acceptance (issue 14, item 1): the gateway, a real child process with mosquitto and InfluxDB, is killed with SIGKILL
/// while it holds a latched, unacknowledged high-priority alarm and an acknowledged medium one. After the restart
/// <c>GET /alarms</c> lists both with the same ids and states, the retained MQTT state (published again at start) matches,
/// acknowledging the first works, its escalation resumes on the clock of before the crash, a device that fell silent
/// before the crash raises <em>device silent</em> within its rule's time, and no id issued before is issued again.
/// Everything runs on the wall clock; every wait is on a condition with a bound.
/// </summary>
public sealed class AlarmRestartTests
{
    private const string Condition = "vital-below/150456";
    private const int SilenceSeconds = 20;
    private const int SecondEscalationSeconds = 40;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    // The fields the restart must keep (§6 of docs/alerts.md); the NEWS2 score may change without an event.
    private static readonly string[] s_kept =
        ["id", "condition", "priority", "ward", "bed", "deviceId", "raisedAt", "conditionPresent", "acknowledged", "acknowledgedBy", "acknowledgedAt", "escalationLevel"];

    [Fact]
    public async Task Alarms_survive_a_kill_of_the_gateway_and_a_device_silent_across_it_is_reported_on_time()
    {
        await using var ward = await GatewayWards.ChildProcess(beds: 3, "gw-restart", "mediot_restart")
            .Configure(async built => built.Settings["Gateway:Alerts:RulesPath"] = await WriteRulesAsync(built))
            .StartAsync();
        await ward.StartGatewayAsync();
        var http = await ward.HttpAddress;
        await using var station = await AlarmStation.ConnectAsync(ward.Mosquitto, "mediot/v1/alerts/#");
        await using var oximeters = new Oximeters(ward);

        // Bed 01: SpO2 80 % raises the high alarm; 97 % clears the condition and the unacknowledged high alarm latches.
        await oximeters.SendAsync(0, 80, 80);
        var high = await WaitForEventAsync(station, "raised", e => e.Condition == Condition && Bed(e) == "01");
        await oximeters.SendAsync(0, 97, 97);
        await WaitForEventAsync(station, "latched", e => e.AlarmId == high.AlarmId);
        await WaitForEventAsync(station, "escalated", e => e.AlarmId == high.AlarmId && Level(e) == 1);

        // Bed 02: SpO2 90 % raises the medium alarm, which a nurse acknowledges.
        await oximeters.SendAsync(1, 90, 90);
        var medium = await WaitForEventAsync(station, "raised", e => e.Condition == Condition && Bed(e) == "02" && e.Priority == "medium");
        using (var acknowledged = await ward.HttpAs("nurse.jones").PostAsync(new Uri(http, $"alarms/{medium.AlarmId}/acknowledge"), content: null))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }

        await WaitForEventAsync(station, "acknowledged", e => e.AlarmId == medium.AlarmId);

        // Bed 03's oximeter sends one frame and falls silent; the gateway is killed once everything so far is journaled.
        var lastFrameSent = TimeProvider.System.GetUtcNow();
        await oximeters.SendAsync(2, 97);
        var eventsSeen = station.Events.Count;
        await ward.WaitForAsync(async () => (await ward.GetHealthAsync()).GetProperty("journalSize").GetInt64() >= oximeters.FramesSent + eventsSeen,
            "every frame and alarm event so far in the journal");
        var before = await ListAsync(ward, http);
        var idsBefore = station.Events.Select(e => e.AlarmId).Max();
        await ward.ChildProcess.KillAsync();
        var killedAt = TimeProvider.System.GetUtcNow();

        await ward.StartGatewayAsync();
        var restartedAt = TimeProvider.System.GetUtcNow();
        Assert.Contains("Alert state restored from the journal", ward.ChildProcess.RecentOutput, StringComparison.Ordinal);

        // GET /alarms: both alarms with the same ids and states.
        var after = await ListAsync(ward, http);
        foreach (var id in new[] { high.AlarmId, medium.AlarmId })
        {
            Assert.True(after.ContainsKey(id), $"alarm {id} is not listed after the restart");
            Assert.Equal(Kept(before[id]), Kept(after[id]));
        }

        Assert.Equal((false, false, "high"), (after[high.AlarmId].GetProperty("conditionPresent").GetBoolean(),
            after[high.AlarmId].GetProperty("acknowledged").GetBoolean(), after[high.AlarmId].GetProperty("priority").GetString()));
        Assert.Equal(("nurse.jones", "medium"), (after[medium.AlarmId].GetProperty("acknowledgedBy").GetString(), after[medium.AlarmId].GetProperty("priority").GetString()));

        // The retained state, published again at the start, matches for both beds.
        await using (var late = await AlarmStation.ConnectAsync(ward.Mosquitto, "mediot/v1/alerts/7A/+/state"))
        {
            foreach (var (bed, id) in new[] { ("01", high.AlarmId), ("02", medium.AlarmId) })
            {
                await late.WaitUntilAsync(s => LatestState(s, bed) is { } state && Time(state.GetProperty("at")) >= killedAt, s_wait, $"bed {bed}'s state published after the restart");
                var retained = LatestState(late, bed)!.Value.GetProperty("alarms").EnumerateArray().Single(alarm => alarm.GetProperty("id").GetInt64() == id);
                Assert.Equal(Kept(after[id]), Kept(retained));
            }
        }

        // Escalation resumes on the restored clock: level 2 falls due 40 s after the raise, not 40 s after the restart.
        var escalated = await WaitForEventAsync(station, "escalated", e => e.AlarmId == high.AlarmId && Level(e) == 2);
        var raisedAt = Time(high.Alarm.GetProperty("raisedAt"));
        Assert.InRange(escalated.At, raisedAt.AddSeconds(SecondEscalationSeconds), Later(raisedAt.AddSeconds(SecondEscalationSeconds), restartedAt).AddSeconds(3));

        // Acknowledging the latched alarm works and resolves it.
        using (var acknowledged = await ward.HttpAs("nurse.patel").PostAsync(new Uri(http, $"alarms/{high.AlarmId}/acknowledge"), content: null))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }

        await WaitForEventAsync(station, "resolved", e => e.AlarmId == high.AlarmId);

        // Bed 03's oximeter, silent since before the crash, is reported within its rule's time after the restart, counted
        // from its last journaled frame; its alarm takes an id no alarm had before.
        var silent = await WaitForEventAsync(station, "raised", e => e.Condition == $"device-silent/{ward.Devices[2].DeviceId}");
        Assert.InRange(silent.At, Later(lastFrameSent.AddSeconds(SilenceSeconds), killedAt), restartedAt.AddSeconds(SilenceSeconds + 2));
        Assert.All(station.Events.Where(e => e.Event == "raised" && e.At >= killedAt), e => Assert.True(e.AlarmId > idsBefore, $"alarm {e.AlarmId} reuses an id"));
    }

    /// <summary>The shipped rules with short times, so the test takes about a minute: no persistence, 20 s silence, escalation at 2 s and 40 s.</summary>
    private static async Task<string> WriteRulesAsync(Ward ward)
    {
        var shipped = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Configs, "alert-rules.json"));
        var rules = JsonNode.Parse(shipped, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        foreach (var vital in rules["vitals"]!.AsArray())
        {
            foreach (var limit in vital!["limits"]!.AsArray())
            {
                limit!["persistenceSeconds"] = 0;
            }
        }

        rules["technical"]!["deviceSilent"]!["afterSeconds"] = SilenceSeconds;
        rules["lifecycle"]!["escalationSeconds"]!["physiological"]!["high"] = new JsonArray(2, SecondEscalationSeconds);
        var path = ward.Combine("alert-rules-restart.json");
        await File.WriteAllTextAsync(path, rules.ToJsonString());
        return path;
    }

    private static async Task<StationMessage> WaitForEventAsync(AlarmStation station, string kind, Func<StationMessage, bool> match)
    {
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == kind && match(e)), s_wait, $"a {kind} event");
        return station.Events.First(e => e.Event == kind && match(e));
    }

    private static async Task<Dictionary<long, JsonElement>> ListAsync(Ward ward, Uri http)
    {
        var list = await ward.HttpAs(StaffAccounts.Monitor).GetFromJsonAsync<JsonElement>(new Uri(http, "alarms"));
        return list.GetProperty("alarms").EnumerateArray().ToDictionary(alarm => alarm.GetProperty("id").GetInt64());
    }

    private static string Kept(JsonElement alarm) => string.Join(", ", s_kept.Select(name => $"{name}={alarm.GetProperty(name)}"));

    private static JsonElement? LatestState(AlarmStation station, string bed) =>
        station.Messages.LastOrDefault(m => m.Topic.EndsWith($"/7A/{bed}/state", StringComparison.Ordinal)) is { } message ? message.Json : null;

    private static string? Bed(StationMessage message) => message.Alarm.GetProperty("bed").GetString();

    private static int Level(StationMessage message) => message.Alarm.GetProperty("escalationLevel").GetInt32();

    private static DateTimeOffset Time(JsonElement value) => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The ward's provisioned oximeters, publishing signed SpO2 frames with their own sequence numbers (kept across gateway restarts).</summary>
    private sealed class Oximeters(Ward ward) : IAsyncDisposable
    {
        private readonly Dictionary<int, (SimulatedDevice Device, Ed25519PrivateKey Key, long Sequence)> _devices = [];

        public long FramesSent { get; private set; }

        /// <summary>Publishes one frame per value (QoS 1: returns once the broker has it; the gateway journals it after).</summary>
        public async Task SendAsync(int index, params double[] saturations)
        {
            if (!_devices.TryGetValue(index, out var device))
            {
                ProvisionedDevice provisioned = ward.Devices[index];
                device = (await ward.ConnectDeviceAsync(index), PrivateKeyFile.Read(provisioned.PrivateKeyPath), 0);
            }

            foreach (var saturation in saturations)
            {
                var measuredAt = (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
                device.Sequence++;
                var frame = new DeviceFrame(ward.Devices[index].DeviceId, device.Sequence, [new Observation(MdcCodes.OxygenSaturation, saturation, "%", measuredAt)]);
                await device.Device.PublishRawAsync(JwsFrameEncoder.Encode(frame, device.Key), CancellationToken.None);
                FramesSent++;
            }

            _devices[index] = device;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (device, key, _) in _devices.Values)
            {
                await device.DisposeAsync();
                key.Dispose();
            }
        }
    }
}
