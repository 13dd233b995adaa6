using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Provisioning;
using MedIoT.Gateway.Alerts;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Protocol;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Broker;

/// <summary>
/// Issue 14, where the broker's identity and the security alarms' claim semantics meet (shipped broker configuration, real
/// mosquitto, real gateway): an attacker who holds device A's broker account forges frames that claim to be device B. The
/// ACL keeps the attacker on A's own topic; the gateway refuses the frames, and the security alarm is a claim on the IT
/// channel only, raised at most once per (reason, claimed device) per repeat interval, never attached to a bed.
/// </summary>
public sealed class ForgedClaimTests(ShippedBrokerWard fixture) : IClassFixture<ShippedBrokerWard>
{
    private const int Flood = 10_000;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan s_repeatInterval = TimeSpan.FromSeconds(ShippedBrokerWard.RepeatIntervalSeconds);

    private Ward Ward => fixture.Ward;

    private AlarmStatistics Alerts => Ward.InProcess.Service<AlarmStatistics>();

    [Fact]
    public async Task Frames_forged_as_another_device_with_a_device_account_never_touch_that_devices_bed()
    {
        ProvisionedDevice attacker = Ward.Devices[0], victim = Ward.Devices[1], marker = Ward.Devices[2];
        await using var it = await fixture.ConnectStationAsync("mediot/v1/it/#");
        await using var nurses = await fixture.ConnectStationAsync("mediot/v1/alerts/#");
        var victimBed = $"mediot/v1/alerts/{victim.Ward}/{victim.Bed}/";
        var topicMismatches = Ward.Statistics.Rejected(FrameRejectionReason.TopicMismatch);
        var rejected = Ward.Statistics.RejectedTotal;
        var accepted = Ward.Statistics.Accepted;

        // Frames that claim to be B, signed with a key of the attacker's and with A's own: on A's topic (the only one A's
        // account may publish on), and once on B's topic, which the broker drops.
        using var forgingKey = Ed25519PrivateKey.Generate();
        using var attackersDeviceKey = PrivateKeyFile.Read(attacker.PrivateKeyPath);
        await using var client = new MqttClient(DeviceOptions(attacker));
        await client.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout);
        await PublishAsync(client, attacker, ClaimingB(forgingKey, 98));
        await PublishAsync(client, attacker, ClaimingB(attackersDeviceKey, 99));
        await PublishAsync(client, victim, ClaimingB(forgingKey, 100));

        // Then B itself, and bed 03's oximeter with a reading that raises a care-team alarm: processed after the forged frames,
        // and its alarm event published after anything they caused, on the same publisher connection to the same station.
        await using (var victimDevice = await Ward.ConnectDeviceAsync(1))
        {
            await victimDevice.PublishNextAsync(CancellationToken.None);
        }

        await using (var markerDevice = await Ward.ConnectDeviceAsync(2))
        {
            using var markerKey = PrivateKeyFile.Read(marker.PrivateKeyPath);
            var low = new DeviceFrame(marker.DeviceId, 1_000, [new Observation(MdcCodes.OxygenSaturation, 80, "%", Now())]);
            await markerDevice.PublishRawAsync(JwsFrameEncoder.Encode(low, markerKey), CancellationToken.None);
        }

        await nurses.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised" && e.Topic.Contains($"/{marker.Bed}/", StringComparison.Ordinal)),
            s_timeout, "bed 03's alarm");
        await it.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_timeout, "the security alarm");

        // The gateway saw the two frames on A's topic (refused: their kid is not the topic's device) and B's own frame;
        // the frame on B's topic never reached it.
        Assert.Equal(topicMismatches + 2, Ward.Statistics.Rejected(FrameRejectionReason.TopicMismatch));
        Assert.Equal(rejected + 2, Ward.Statistics.RejectedTotal);
        Assert.Equal(accepted + 2, Ward.Statistics.Accepted);

        // One security alarm on the IT channel, a claim naming the only device the broker let the sender speak as, no bed.
        var security = Assert.Single(it.Events, e => e.Event == "raised");
        Assert.Equal("mediot/v1/it/security", security.Topic);
        Assert.Equal($"security/TopicMismatch/{attacker.DeviceId}", security.Condition);
        Assert.Equal("it", security.Alarm.GetProperty("channel").GetString());
        Assert.Equal(attacker.DeviceId, security.Alarm.GetProperty("claimedDeviceId").GetString());
        Assert.Equal(JsonValueKind.Null, security.Alarm.GetProperty("deviceId").ValueKind);
        Assert.Equal(JsonValueKind.Null, security.Alarm.GetProperty("bed").ValueKind);
        Assert.DoesNotContain(it.Messages, message => message.Json.GetRawText().Contains(victim.DeviceId, StringComparison.Ordinal));

        // B's bed: no event, and every state the stations saw (the one republished at start, if any) holds no alarm.
        Assert.DoesNotContain(nurses.Events, e => e.Topic.StartsWith(victimBed, StringComparison.Ordinal));
        Assert.All(nurses.Messages.Where(m => m.Topic.StartsWith(victimBed, StringComparison.Ordinal)),
            state => Assert.Equal(0, state.Json.GetProperty("alarms").GetArrayLength()));
        var alarms = (await ListAlarmsAsync()).ToList();
        Assert.DoesNotContain(alarms, alarm => alarm.GetProperty("bed").ValueKind == JsonValueKind.String && alarm.GetProperty("bed").GetString() == victim.Bed);
        Assert.DoesNotContain(alarms, alarm => alarm.GetRawText().Contains(victim.DeviceId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ten_thousand_forged_frames_raise_no_more_security_alarms_than_the_repeat_interval_allows()
    {
        var attacker = Ward.Devices[4];
        await using var it = await fixture.ConnectStationAsync("mediot/v1/it/#");
        await using var nurses = await fixture.ConnectStationAsync("mediot/v1/alerts/#");
        var rejected = Ward.Statistics.RejectedTotal;
        var suppressed = Alerts.SecurityRepeatsSuppressed;
        var refused = Alerts.FeedRefused;
        var started = Stopwatch.StartNew();

        // Two security reasons (K = 2 conditions): frames that claim another device (kid not the topic's) and frames of A
        // signed with a key that is not A's.
        using var forgingKey = Ed25519PrivateKey.Generate();
        var claimingOthers = Enumerable.Range(0, Flood / 2)
            .Select(index => JwsFrameEncoder.Encode(new DeviceFrame(Ward.Devices[5].DeviceId, index + 1, [new Observation(MdcCodes.OxygenSaturation, 97, "%", 0)]), forgingKey));
        var badlySigned = Enumerable.Range(0, Flood / 2)
            .Select(index => JwsFrameEncoder.Encode(new DeviceFrame(attacker.DeviceId, index + 1, [new Observation(MdcCodes.OxygenSaturation, 97, "%", 0)]), forgingKey));
        var frames = claimingOthers.Zip(badlySigned, (first, second) => new[] { first, second }).SelectMany(pair => pair).ToList();
        await using var client = new MqttClient(DeviceOptions(attacker));
        await client.ConnectAsync(CancellationToken.None).WaitAsync(s_timeout);

        // First half: each condition raises its alarm once, and every later frame of it is counted on that alarm.
        await PublishAllAsync(client, attacker, frames.Take(Flood / 2));
        await Ward.Statistics.WaitUntilAsync(s => s.RejectedTotal >= rejected + Flood / 2, s_timeout);
        await it.WaitUntilAsync(s => s.Events.Count(e => e.Event == "raised") >= 2, s_timeout, "one alarm per condition");

        // IT acknowledges both; from now on the frames of each condition wait for its repeat interval to end, and are summed
        // up in one alarm then.
        foreach (var alarm in it.Events.Where(e => e.Event == "raised").ToList())
        {
            using var response = await Ward.HttpAs("it.desk").PostAsync(new Uri(await Ward.HttpAddress, $"alarms/{alarm.AlarmId}/acknowledge"), content: null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await PublishAllAsync(client, attacker, frames.Skip(Flood / 2));
        await Ward.Statistics.WaitUntilAsync(s => s.RejectedTotal >= rejected + Flood, s_timeout);
        await it.WaitUntilAsync(s => s.Events.Count(e => e.Event == "raised") >= 4, s_timeout, "the second alarm of each condition");
        var elapsed = started.Elapsed;

        // Every frame was refused and counted.
        Assert.Equal(rejected + Flood, Ward.Statistics.RejectedTotal);

        // The bound: per condition, one alarm per repeat interval at most. The acknowledged alarms' successors are raised no
        // sooner than an interval after them, and nothing else is raised (IT acknowledged nothing more).
        var raised = it.Events.Where(e => e.Event == "raised").ToList();
        var bound = 2 * (1 + (int)Math.Ceiling(elapsed / s_repeatInterval));
        Assert.InRange(raised.Count, 4, bound);
        Assert.Equal(4, raised.Count);
        foreach (var condition in raised.GroupBy(e => e.Condition))
        {
            var times = condition.Select(e => Time(e.Alarm.GetProperty("raisedAt"))).Order().ToList();
            Assert.Equal(2, times.Count);
            Assert.True(times[1] - times[0] >= s_repeatInterval, $"{condition.Key}: raised again after {(times[1] - times[0]).TotalSeconds} s");
        }

        Assert.Equal(
            new[] { $"security/BadSignature/{attacker.DeviceId}", $"security/TopicMismatch/{attacker.DeviceId}" },
            raised.Select(e => e.Condition).Distinct().Order(StringComparer.Ordinal));
        Assert.All(it.Events, e =>
        {
            Assert.Equal("mediot/v1/it/security", e.Topic);
            Assert.Equal(JsonValueKind.Null, e.Alarm.GetProperty("bed").ValueKind);
        });

        // Every frame that raised nothing of its own was counted (at most four frames raised an alarm themselves; the alert
        // feed may have refused some of the burst, and counts those too); the care-team side saw nothing of them.
        var accountedFor = Alerts.SecurityRepeatsSuppressed - suppressed + (Alerts.FeedRefused - refused);
        Assert.InRange(accountedFor, Flood - 4, Flood);
        Assert.DoesNotContain(nurses.Events, e => e.Condition.StartsWith("security/", StringComparison.Ordinal)
            || e.Topic.StartsWith($"mediot/v1/alerts/{attacker.Ward}/{attacker.Bed}/", StringComparison.Ordinal));
    }

    /// <summary>A frame whose payload and kid claim device B (bed 02), signed with <paramref name="key"/>.</summary>
    private byte[] ClaimingB(Ed25519PrivateKey key, long sequence) =>
        JwsFrameEncoder.Encode(new DeviceFrame(Ward.Devices[1].DeviceId, sequence, [new Observation(MdcCodes.OxygenSaturation, 60, "%", Now())]), key);

    private static long Now() => (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static DateTimeOffset Time(JsonElement value) => DateTimeOffset.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Device A's connection with its own account (docs/device-protocol.md: client id and user name = device id).</summary>
    private MqttClientOptions DeviceOptions(ProvisionedDevice device) => new()
    {
        TimeProvider = TimeProvider.System, Host = Ward.Mosquitto.Host, Port = Ward.Mosquitto.Port, ClientId = device.DeviceId,
        Username = device.DeviceId, Password = SecretFile.Read(device.PasswordPath), CleanSession = true, MaximumInFlightPublishes = 500,
    };

    private static Task PublishAsync(MqttClient client, ProvisionedDevice topicOf, byte[] frame) =>
        client.PublishAsync(new MqttApplicationMessage(DeviceTopic.ForFrames(topicOf.DeviceId), frame, MqttQualityOfService.AtLeastOnce, retain: false),
            CancellationToken.None).WaitAsync(s_timeout);

    /// <summary>Pipelined QoS 1 publishes on the device's own topic, in chunks so the client's in-flight window stays full.</summary>
    private static async Task PublishAllAsync(MqttClient client, ProvisionedDevice device, IEnumerable<byte[]> frames)
    {
        foreach (var chunk in frames.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(frame => PublishAsync(client, device, frame)));
        }
    }

    private async Task<IEnumerable<JsonElement>> ListAlarmsAsync()
    {
        var list = await Ward.HttpAs(StaffAccounts.Monitor).GetFromJsonAsync<JsonElement>(new Uri(await Ward.HttpAddress, "alarms"));
        return list.GetProperty("alarms").EnumerateArray().Select(alarm => alarm.Clone()).ToList();
    }
}
