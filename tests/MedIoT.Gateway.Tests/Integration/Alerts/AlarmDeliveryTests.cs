using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MedIoT.Cryptography;
using MedIoT.Gateway.Journal;
using MedIoT.Gateway.Storage.Influx;
using MedIoT.Protocol.Frames;
using MedIoT.Protocol.Jws;
using MedIoT.Testing;
using Microsoft.Extensions.Options;

namespace MedIoT.Gateway.Tests.Integration.Alerts;

/// <summary>
/// The alarm lifecycle as a care team sees it over real mosquitto: latching cleared by an acknowledgement over HTTP,
/// escalation after the configured time, the retained bed state for a station that connects late, security alarms
/// on the IT topic only, and alarms that keep flowing while InfluxDB is down.
/// </summary>
public sealed class AlarmDeliveryTests(AlertWardFixture ward) : IClassFixture<AlertWardFixture>
{
    private const int SpO2 = MdcCodes.OxygenSaturation;
    private const string Oximeter = "test-7a-01-spo2";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Acknowledging_a_latched_high_alarm_over_http_resolves_it_and_empties_the_bed_state()
    {
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync();
        var alarmId = await RaiseLowSaturationAsync(gateway, station);

        // Back to 97 % (inside by more than the 2 % hysteresis): the high alarm latches instead of resolving.
        for (var second = 0; second < 3; second++)
        {
            await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 97));
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == alarmId && e.Event == "latched"), s_wait, "the latched event");
        Assert.DoesNotContain(station.Events, e => e.Event == "resolved");

        using var response = await gateway.AcknowledgeAsync(alarmId, "nurse.jones");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("nurse.jones", body.RootElement.GetProperty("alarm").GetProperty("acknowledgedBy").GetString());

        await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == alarmId && e.Event == "resolved"), s_wait, "the resolved event");
        var acknowledged = station.Events.Single(e => e.AlarmId == alarmId && e.Event == "acknowledged");
        Assert.Equal("nurse.jones", acknowledged.Alarm.GetProperty("acknowledgedBy").GetString());
        await station.WaitUntilAsync(s => LastState(s, "7A/01") is { } state && state.GetProperty("alarms").GetArrayLength() == 0, s_wait, "an empty bed state");

        // Acknowledging it again: the alarm is gone.
        using var again = await gateway.AcknowledgeAsync(alarmId, "nurse.jones");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task An_unacknowledged_high_alarm_escalates_to_the_next_recipient_after_the_configured_time()
    {
        await using var gateway = await ward.StartGatewayAsync();
        // The ward's station (the second recipient's own topic is in the next test).
        await using var station = await gateway.ConnectStationAsync("alerts/#");
        var alarmId = await RaiseLowSaturationAsync(gateway, station);
        var raisedAt = station.Events.Single(e => e.AlarmId == alarmId && e.Event == "raised").At;

        // Shipped rules: physiological high escalates after 60 s, then 180 s.
        for (var second = 0; second < 59; second++)
        {
            await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 80));
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.DoesNotContain(station.Events, e => e.Event == "escalated");
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(2));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "escalated"), s_wait, "the escalated event");
        var escalated = station.Events.Single(e => e.Event == "escalated");
        Assert.Equal(alarmId, escalated.AlarmId);
        Assert.Equal(1, escalated.Alarm.GetProperty("escalationLevel").GetInt32());
        Assert.Equal("nurse-in-charge", escalated.Alarm.GetProperty("recipient").GetString());
        Assert.InRange((escalated.At - raisedAt).TotalSeconds, 60, 61);
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>
    /// The second recipient (the nurse in charge of ward 7A) has its own MQTT topic and its own webhook: neither
    /// hears of the bed 01 alarm before 60 s without acknowledgement, both get it once it escalates (and then its
    /// acknowledgement), and neither ever hears of the bed 02 alarm a nurse acknowledged in time. A webhook for
    /// another ward's second recipient gets nothing.
    /// </summary>
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Escalation_reaches_the_second_recipient_s_topic_and_webhook_only_after_the_configured_time_without_acknowledgement()
    {
        // As the documentation makes one (`openssl rand -hex 32 > file`): hex text and a newline, which the gateway drops.
        // (Raw random bytes would fail now and then: a last byte 0x0A or 0x0D is taken for the line end.)
        var secret = Encoding.ASCII.GetBytes(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var secretFile = Path.Combine(ward.Folder, "webhook-" + Guid.NewGuid().ToString("N") + ".secret");
        await File.WriteAllBytesAsync(secretFile, [.. secret, (byte)'\n']);
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var chargeNurse7A = new Gateway.Tests.Alerts.Delivery.WebhookReceiver(secret);
        await using var chargeNurse7B = new Gateway.Tests.Alerts.Delivery.WebhookReceiver(secret);
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Alerts:Webhooks:0:Name"] = "charge-nurse-7a",
            ["Gateway:Alerts:Webhooks:0:Url"] = chargeNurse7A.Url.ToString(),
            ["Gateway:Alerts:Webhooks:0:SecretFile"] = secretFile,
            ["Gateway:Alerts:Webhooks:0:EscalationLevel"] = "1",
            ["Gateway:Alerts:Webhooks:0:Ward"] = "7A",
            ["Gateway:Alerts:Webhooks:1:Name"] = "charge-nurse-7b",
            ["Gateway:Alerts:Webhooks:1:Url"] = chargeNurse7B.Url.ToString(),
            ["Gateway:Alerts:Webhooks:1:SecretFile"] = secretFile,
            ["Gateway:Alerts:Webhooks:1:EscalationLevel"] = "1",
            ["Gateway:Alerts:Webhooks:1:Ward"] = "7B",
        });
        await using var station = await gateway.ConnectStationAsync();
        await using var chargeNurseTopic = await gateway.ConnectStationAsync("escalations/7A/nurse-in-charge");
        const string Bed02 = "test-7a-02-spo2";

        // Both beds desaturate; bed 01's alarm is raised by the helper, bed 02's at the same seconds.
        for (var second = 0; second <= 10; second++)
        {
            await gateway.SendAsync(Bed02, gateway.Clock.GetUtcNow(), (SpO2, 80));
            await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 80));
            if (second < 10)
            {
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }

        await station.WaitUntilAsync(s => s.Events.Count(e => e.Event == "raised") == 2, s_wait, "both raised events");
        var bed01 = station.Events.Single(e => e.Event == "raised" && e.Topic.EndsWith("/7A/01/events", StringComparison.Ordinal)).AlarmId;
        var bed02 = station.Events.Single(e => e.Event == "raised" && e.Topic.EndsWith("/7A/02/events", StringComparison.Ordinal)).AlarmId;

        // Bed 02 is acknowledged after 30 s; bed 01 never. Shipped rules: physiological high escalates after 60 s.
        for (var second = 0; second < 59; second++)
        {
            if (second == 30)
            {
                using var acknowledged = await gateway.AcknowledgeAsync(bed02, "nurse.jones");
                Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
            }

            await gateway.SendAsync(Bed02, gateway.Clock.GetUtcNow(), (SpO2, 80));
            await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 80));
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        await station.WaitUntilAsync(s => s.Events.Any(e => e.AlarmId == bed02 && e.Event == "acknowledged"), s_wait, "bed 02 acknowledged");
        Assert.Empty(chargeNurseTopic.Messages);
        Assert.Equal(0, gateway.Alerts.WebhooksDelivered);

        await gateway.AdvanceAsync(TimeSpan.FromSeconds(2));
        await chargeNurseTopic.WaitUntilAsync(s => s.Events.Count >= 1, s_wait, "the escalation on the second recipient's topic");
        await gateway.Alerts.WaitUntilAsync(s => s.WebhooksDelivered >= 1, s_wait);
        var escalated = Assert.Single(chargeNurseTopic.Events);
        Assert.Equal(($"{gateway.TopicPrefix}/escalations/7A/nurse-in-charge", "escalated", bed01), (escalated.Topic, escalated.Event, escalated.AlarmId));
        Assert.Equal(("nurse-in-charge", 1), (escalated.Alarm.GetProperty("recipient").GetString(), escalated.Alarm.GetProperty("escalationLevel").GetInt32()));
        var webhook = Assert.Single(chargeNurse7A.Received);
        Assert.True(webhook.SignatureValid);
        Assert.Equal(("escalated", bed01), (webhook.Json.GetProperty("event").GetString(), webhook.AlarmId));

        // The second recipient also learns that the alarm was taken care of.
        using (var acknowledged = await gateway.AcknowledgeAsync(bed01, "nurse.smith"))
        {
            Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        }

        await chargeNurseTopic.WaitUntilAsync(s => s.Events.Any(e => e.Event == "acknowledged"), s_wait, "the acknowledgement on the second recipient's topic");
        await gateway.Alerts.WaitUntilAsync(s => s.WebhooksDelivered >= 2, s_wait);
        Assert.Equal(["escalated", "acknowledged"], chargeNurse7A.Received.Select(r => r.Json.GetProperty("event").GetString()));
        Assert.DoesNotContain(chargeNurseTopic.Events, e => e.AlarmId == bed02);
        Assert.Empty(chargeNurse7B.Received);
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>
    /// The gateway's own backlog: with room for 16 frames not yet durable and a journal that commits every frame on
    /// its own (one fsync each), a flood of frames from four devices fills the backlog, and the gateway-wide technical
    /// alarm is raised on its own topic (never a bed's); once the journal has caught up it resolves.
    /// </summary>
    [Fact]
    public async Task A_filling_backlog_raises_the_gateway_technical_alarm_and_it_resolves_when_the_journal_catches_up()
    {
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Ingestion:PendingFrameCapacity"] = "16",
            ["Gateway:Journal:BatchSize"] = "1",
            ["Gateway:Journal:MaxWaitMilliseconds"] = "0",
        });
        await using var station = await gateway.ConnectStationAsync("alerts/gateway/#");
        await using var nurses = await gateway.ConnectStationAsync("alerts/7A/#");
        const int FramesPerDevice = 400;
        string[] devices = ["test-7a-03-spo2", "test-7a-04-spo2", "test-7a-05-spo2", "test-7a-07-spo2"];
        var measuredAt = gateway.Clock.GetUtcNow();
        foreach (var device in devices)
        {
            // Connect every device first, so the flood below starts at once on all four.
            await gateway.PublishAsync(device, measuredAt, [(SpO2, 97)]);
        }

        var flood = Task.WhenAll(devices.Select(device => Task.Run(async () =>
        {
            for (var frame = 1; frame < FramesPerDevice; frame++)
            {
                await gateway.PublishAsync(device, measuredAt, [(SpO2, 97)]);
            }
        })));

        // The backlog is sampled at every tick of the alert clock: tick while the flood is being journaled.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!station.Events.Any(e => e.Event == "raised"))
            {
                timeout.Token.ThrowIfCancellationRequested();
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
                Assert.False(flood.IsCompleted && gateway.Ingestion.Accepted >= devices.Length * FramesPerDevice && !station.Events.Any(e => e.Event == "raised"),
                    "every frame was journaled without the backlog alarm");
            }
        }

        var raised = station.Events.First(e => e.Event == "raised");
        Assert.Equal(($"{gateway.TopicPrefix}/alerts/gateway/events", "gateway-backlog"), (raised.Topic, raised.Condition));
        Assert.Equal("technical", raised.Alarm.GetProperty("category").GetString());

        await flood;
        await gateway.Ingestion.WaitUntilAsync(s => s.Accepted >= devices.Length * FramesPerDevice, TimeSpan.FromSeconds(60));
        // Accepted frames may still wait for their fsync: tick until the journal has caught up and the alarm resolves,
        // bounded by time rather than by a count of ticks (a loaded machine journals slower than the ticks go).
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!station.Events.Any(e => e.Event == "resolved" && e.AlarmId == raised.AlarmId))
            {
                timeout.Token.ThrowIfCancellationRequested();
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }

        // Low at half full, medium at 90 %: which one a tick sees depends on how far the journal is behind at that moment.
        Assert.Contains(raised.Priority, new[] { "low", "medium" });
        Assert.DoesNotContain(nurses.Events, e => e.Condition == "gateway-backlog");
        Assert.Equal(0, gateway.Ingestion.Duplicates);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_station_that_connects_late_receives_the_retained_state_of_the_bed()
    {
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync();
        var alarmId = await RaiseLowSaturationAsync(gateway, station);
        await gateway.Alerts.WaitUntilAsync(s => s.MqttPublished >= 2, s_wait);

        await using var late = await gateway.ConnectStationAsync("alerts/7A/01/state");
        await late.WaitUntilAsync(s => s.Messages.Count >= 1, s_wait, "the retained state");
        var state = late.Messages[0];
        Assert.True(state.Retained);
        Assert.Equal("mediot.alarm-state/1", state.Json.GetProperty("schema").GetString());
        var alarm = Assert.Single(state.Json.GetProperty("alarms").EnumerateArray());
        Assert.Equal(alarmId, alarm.GetProperty("id").GetInt64());
        Assert.Equal("vital-below/150456", alarm.GetProperty("condition").GetString());
        Assert.Equal("high", alarm.GetProperty("priority").GetString());
        // Care-team payloads carry condition and priority, not the measured value (docs/alerts.md §6).
        Assert.DoesNotContain("\"value\"", state.Json.GetRawText(), StringComparison.Ordinal);

        // A bed without alarms has no retained state yet: nothing arrives for it, and the late station saw one message.
        Assert.Single(late.Messages);
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_forged_frame_raises_a_security_alarm_on_the_it_topic_and_nothing_for_nurses()
    {
        await using var gateway = await ward.StartGatewayAsync();
        await using var nurses = await gateway.ConnectStationAsync("alerts/#");
        await using var it = await gateway.ConnectStationAsync("it/#");

        // A frame for bed 02's oximeter signed with another key.
        using var wrongKey = Ed25519PrivateKey.Generate();
        var frame = new DeviceFrame("test-7a-02-spo2", 1, [new Observation(SpO2, 60, "%", 0)]);
        await using var device = await FirmwareSim.Devices.SimulatedDevice.ConnectAsync(
            ward.Devices["test-7a-02-spo2"], ward.Mosquitto.Host, ward.Mosquitto.Port, TimeProvider.System, null, CancellationToken.None);
        await device.PublishRawAsync(JwsFrameEncoder.Encode(frame, wrongKey), CancellationToken.None);

        await it.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_wait, "the security alarm");
        var raised = it.Events.Single();
        Assert.Equal($"{gateway.TopicPrefix}/it/security", raised.Topic);
        Assert.Equal("security/BadSignature/test-7a-02-spo2", raised.Condition);
        Assert.Equal("it", raised.Alarm.GetProperty("channel").GetString());
        // Named as a claim only: no device, no bed (the registered device's bed 7A/02 is never attached).
        Assert.Equal("test-7a-02-spo2", raised.Alarm.GetProperty("claimedDeviceId").GetString());
        Assert.Equal(JsonValueKind.Null, raised.Alarm.GetProperty("deviceId").ValueKind);
        Assert.Equal(JsonValueKind.Null, raised.Alarm.GetProperty("bed").ValueKind);
        await it.WaitUntilAsync(s => s.Messages.Any(m => m.Topic.EndsWith("/it/security/state", StringComparison.Ordinal)), s_wait, "the IT state");

        // The care-team side saw nothing: not an event, and no state but the empty ones the gateway republishes at start.
        await gateway.Alerts.WaitUntilAsync(s => s.MqttPublished >= 2, s_wait);
        Assert.Empty(nurses.Events);
        Assert.All(nurses.Messages, message => Assert.Equal(0, message.Json.GetProperty("alarms").GetArrayLength()));

        // The forged reading itself raised no physiological alarm, and the alarm is listed for IT only.
        var list = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?channel=care-team");
        Assert.Equal(0, list.GetProperty("alarms").GetArrayLength());
        list = await gateway.Http.GetFromJsonAsync<JsonElement>("/alarms?channel=it");
        Assert.Equal(1, list.GetProperty("alarms").GetArrayLength());
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Alarms_keep_flowing_while_influxdb_is_stopped()
    {
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync();
        await ward.Influx.StopAsync();
        try
        {
            var alarmId = await RaiseLowSaturationAsync(gateway, station);
            Assert.True(alarmId > 0);
            Assert.Equal(0, gateway.Ingestion.ObservationsStored);
            await gateway.Ingestion.WaitUntilAsync(s => s.StoreFailures >= 1, s_wait);
        }
        finally
        {
            await ward.Influx.RestartAsync();
        }

        await gateway.Ingestion.WaitUntilAsync(s => s.ObservationsStored >= 11, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_acknowledgement_made_while_the_broker_is_down_reaches_the_retained_state_once_it_is_back()
    {
        await using var gateway = await ward.StartGatewayAsync();
        long alarmId;
        await using (var station = await gateway.ConnectStationAsync())
        {
            alarmId = await RaiseLowSaturationAsync(gateway, station);
            await gateway.Alerts.WaitUntilAsync(s => s.MqttPublished >= 2, s_wait);
        }

        await ward.Mosquitto.StopAsync();
        var publishedBefore = gateway.Alerts.MqttPublished;
        using (var response = await gateway.AcknowledgeAsync(alarmId, "nurse.jones"))
        {
            // The API does not depend on the broker.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await ward.Mosquitto.RestartAsync();
        await gateway.Alerts.WaitUntilAsync(s => s.MqttConnections >= 2 && s.MqttPublished >= publishedBefore + 2, TimeSpan.FromSeconds(30));

        await using var late = await gateway.ConnectStationAsync("alerts/7A/01/state");
        await late.WaitUntilAsync(
            s => s.Messages.Any(m => m.Json.GetProperty("alarms").EnumerateArray().Any(a => a.GetProperty("acknowledgedBy").GetString() == "nurse.jones")),
            s_wait, "the acknowledged alarm in the retained state");
        Assert.Equal(0, gateway.Alerts.MqttDropped);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_configured_webhook_receives_the_signed_alarm_events_of_its_channel()
    {
        // As the documentation makes one (`openssl rand -hex 32 > file`): hex text and a newline, which the gateway drops.
        // (Raw random bytes would fail now and then: a last byte 0x0A or 0x0D is taken for the line end.)
        var secret = Encoding.ASCII.GetBytes(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        var secretFile = Path.Combine(ward.Folder, "webhook-" + Guid.NewGuid().ToString("N") + ".secret");
        await File.WriteAllBytesAsync(secretFile, [.. secret, (byte)'\n']);
        File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var receiver = new Gateway.Tests.Alerts.Delivery.WebhookReceiver(secret);
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Alerts:Webhooks:0:Name"] = "ward-7a",
            ["Gateway:Alerts:Webhooks:0:Url"] = receiver.Url.ToString(),
            ["Gateway:Alerts:Webhooks:0:SecretFile"] = secretFile,
            ["Gateway:Alerts:Webhooks:1:Name"] = "it",
            ["Gateway:Alerts:Webhooks:1:Url"] = receiver.Url.ToString(),
            ["Gateway:Alerts:Webhooks:1:Channel"] = "InformationTechnology",
            ["Gateway:Alerts:Webhooks:1:SecretFile"] = secretFile,
        });
        await using var station = await gateway.ConnectStationAsync();
        var alarmId = await RaiseLowSaturationAsync(gateway, station);

        await gateway.Alerts.WaitUntilAsync(s => s.WebhooksDelivered >= 1, s_wait);
        var delivered = Assert.Single(receiver.Received);
        Assert.True(delivered.SignatureValid);
        Assert.Equal(alarmId, delivered.AlarmId);
        Assert.Equal("raised", delivered.Json.GetProperty("event").GetString());
        Assert.Equal("care-team", delivered.Json.GetProperty("alarm").GetProperty("channel").GetString());
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Message.Contains(Convert.ToHexStringLower(secret), StringComparison.Ordinal));
        gateway.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task A_serial_port_missing_at_start_raises_its_technical_alarm_after_the_persistence_and_resolves_when_it_appears()
    {
        var line = Path.Combine(ward.Folder, "line-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(line);
        var devicePath = Path.Combine(line, "pty-b");
        await using var gateway = await ward.StartGatewayAsync(new Dictionary<string, string>
        {
            ["Gateway:Serial:Ports:0:DevicePath"] = devicePath,
            ["Gateway:Serial:Ports:0:BaudRate"] = "9600",
            ["Gateway:Serial:Ports:0:Protocol"] = "Nonin",
            ["Gateway:Serial:Ports:0:DeviceId"] = AlertWardFixture.SerialDeviceId,
            ["Gateway:Serial:Ports:0:NoDataTimeoutSeconds"] = "600",
            ["Gateway:Serial:StateFolder"] = Path.Combine(line, "state"),
            ["Gateway:Serial:ReopenInitialDelayMilliseconds"] = "100",
            ["Gateway:Serial:ReopenMaximumDelayMilliseconds"] = "400",
            ["Gateway:Identity:KeyFile"] = Path.Combine(line, "identity", "gateway-key.jwk"),
        });
        await using var station = await gateway.ConnectStationAsync();

        // Serial ingestion reports the missing port through DeviceStatusEvents; the engine waits its 5 s persistence.
        await gateway.Alerts.WaitUntilAsync(s => s.InputsProcessed >= 1, s_wait);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.Equal(0, gateway.Alerts.AlarmEvents);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(2));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_wait, "the serial port alarm");
        var raised = station.Events.Single();
        Assert.Equal($"{gateway.TopicPrefix}/alerts/7A/06/events", raised.Topic);
        Assert.Equal("serial-port-disconnected/" + devicePath, raised.Condition);
        Assert.Equal("technical", raised.Alarm.GetProperty("category").GetString());
        Assert.Equal("medium", raised.Priority);

        await using var pty = await MedIoT.Testing.SocatPtyPair.StartAsync(line);
        await gateway.Alerts.WaitUntilAsync(s => s.InputsProcessed >= 2, s_wait);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved"), s_wait, "the resolved serial port alarm");
        Assert.Equal(raised.AlarmId, station.Events.Single(e => e.Event == "resolved").AlarmId);
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>Sends 80 % SpO2 once a second until the high "below 85 %" limit (10 s persistence) raises; returns the alarm id.</summary>
    /// <summary>
    /// Issue 7, "sensor off reported by the device", over MQTT: a status-only frame (<c>"status":["sensor-off"],"obs":[]</c>)
    /// is accepted, journaled and raises the technical alarm after the rule's 10 s; a frame with readings sent while the
    /// sensor is off raises nothing physiological; a status-only frame with <c>"status":[]</c> resolves the alarm. The
    /// journal-tailing InfluxDB writer passes the status-only entries without a point and without an error.
    /// </summary>
    [Fact]
    public async Task Sensor_off_reported_in_frames_raises_and_clears_its_technical_alarm_and_nothing_physiological()
    {
        const string Device = "test-7a-08-spo2";
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync("alerts/#");
        var acceptedBefore = gateway.Ingestion.Accepted;

        await gateway.SendAsync(Device, gateway.Clock.GetUtcNow(), (SpO2, 97));
        await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [], DeviceStatus.SensorOff);
        await gateway.WaitForFramesAsync();
        for (var second = 0; second < 12; second++)
        {
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [(SpO2, 0)], DeviceStatus.SensorOff);
            await gateway.WaitForFramesAsync();
        }

        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_wait, "the sensor-off alarm");
        var raised = Assert.Single(station.Events);
        Assert.Equal(($"{gateway.TopicPrefix}/alerts/7A/08/events", "raised", $"device-status/SensorOff/{Device}", "medium"),
            (raised.Topic, raised.Event, raised.Condition, raised.Priority));
        Assert.Equal(gateway.Origin.AddSeconds(10), raised.At);

        await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [], DeviceStatus.None);
        await gateway.WaitForFramesAsync();
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved"), s_wait, "the resolved event");
        Assert.Equal(["raised", "resolved"], station.Events.Select(e => e.Event));
        Assert.All(station.Events, e => Assert.Equal(raised.AlarmId, e.AlarmId));
        Assert.Equal(acceptedBefore + 15, gateway.Ingestion.Accepted);
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.DeviceStatusChanged && entry.Message.Contains("SensorOff", StringComparison.Ordinal));
        Assert.Single(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.DeviceStatusChanged && entry.Message.EndsWith("status None", StringComparison.Ordinal));

        var journal = gateway.Service<GatewayJournal>();
        var statistics = gateway.Service<JournalStatistics>();
        await statistics.WaitUntilAsync(s => s.AlarmEventsJournaled >= 2 && s.WriterPosition == journal.Size, s_wait);
        var rows = await ward.Influx.QueryAsync(gateway.Service<IOptions<InfluxOptions>>().Value.Database, $"SELECT * FROM vitals WHERE device = '{Device}'");
        Assert.Equal([97.0, .. Enumerable.Repeat(0.0, 12)], rows.Select(row => row.Columns["value"].GetDouble()));
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>
    /// A late frame (a sequence number skipped earlier, still inside the replay window) that carries the sensor-off
    /// status the device has since cleared is accepted and stored, but does not bring the status back.
    /// </summary>
    [Fact]
    public async Task A_late_frame_does_not_bring_back_a_status_the_device_has_cleared()
    {
        const string Device = "test-7a-02-spo2";
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync("alerts/#");
        var first = ward.NextSequence(Device);
        var skipped = ward.NextSequence(Device);
        var latest = ward.NextSequence(Device);

        await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [(SpO2, 97)], DeviceStatus.None, first);
        await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [(SpO2, 97)], DeviceStatus.None, latest);
        await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [], DeviceStatus.SensorOff, skipped);
        await gateway.Ingestion.WaitUntilAsync(s => s.Accepted >= 3, s_wait);
        await gateway.Alerts.WaitUntilAsync(s => s.FramesProcessed >= 3, s_wait);
        for (var second = 0; second < 12; second++)
        {
            await gateway.PublishAsync(Device, gateway.Clock.GetUtcNow(), [(SpO2, 97)]);
            await gateway.WaitForFramesAsync();
            await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
        }

        Assert.Empty(station.Events);
        Assert.DoesNotContain("device-status", await gateway.Http.GetStringAsync("/alarms"), StringComparison.Ordinal);
        Assert.DoesNotContain(gateway.Logs.GetSnapshot(), entry => entry.Id.Id == GatewayLogEvents.DeviceStatusChanged);
        gateway.Logs.AssertNoErrors();
    }

    /// <summary>The other source of device status, serial ingestion's status events, raises the same technical alarm.</summary>
    [Fact]
    public async Task Sensor_off_reported_by_serial_ingestion_raises_the_same_technical_alarm()
    {
        await using var gateway = await ward.StartGatewayAsync();
        await using var station = await gateway.ConnectStationAsync("alerts/#");

        await gateway.ReportStatusAsync(AlertWardFixture.SerialDeviceId, DeviceStatus.SensorOff);
        await gateway.AdvanceAsync(TimeSpan.FromSeconds(10));
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_wait, "the sensor-off alarm");
        await gateway.ReportStatusAsync(AlertWardFixture.SerialDeviceId, DeviceStatus.None);
        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "resolved"), s_wait, "the resolved event");

        Assert.Equal(["raised", "resolved"], station.Events.Select(e => e.Event));
        Assert.All(station.Events, e => Assert.Equal(($"{gateway.TopicPrefix}/alerts/7A/06/events", $"device-status/SensorOff/{AlertWardFixture.SerialDeviceId}"), (e.Topic, e.Condition)));
        Assert.Equal(gateway.Origin.AddSeconds(10), station.Events[0].At);
    }

    private static async Task<long> RaiseLowSaturationAsync(AlertGateway gateway, AlarmStation station)
    {
        for (var second = 0; second <= 10; second++)
        {
            await gateway.SendAsync(Oximeter, gateway.Clock.GetUtcNow(), (SpO2, 80));
            if (second < 10)
            {
                await gateway.AdvanceAsync(TimeSpan.FromSeconds(1));
            }
        }

        await station.WaitUntilAsync(s => s.Events.Any(e => e.Event == "raised"), s_wait, "the raised event");
        var raised = station.Events.Single(e => e.Event == "raised");
        Assert.Equal($"{gateway.TopicPrefix}/alerts/7A/01/events", raised.Topic);
        Assert.Equal("vital-below/150456", raised.Condition);
        Assert.Equal("high", raised.Priority);
        Assert.Equal(0, raised.Alarm.GetProperty("escalationLevel").GetInt32());
        Assert.Equal("bedside-nurse", raised.Alarm.GetProperty("recipient").GetString());
        return raised.AlarmId;
    }

    private static JsonElement? LastState(AlarmStation station, string place) =>
        station.Messages.LastOrDefault(m => m.Topic.EndsWith($"/alerts/{place}/state", StringComparison.Ordinal))?.Json;
}
