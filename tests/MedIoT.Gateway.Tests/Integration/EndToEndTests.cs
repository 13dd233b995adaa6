using System.Globalization;
using System.Text;
using MedIoT.Cryptography;
using MedIoT.FirmwareSim.Devices;
using MedIoT.Gateway.Tests.Support;
using MedIoT.Mqtt;
using MedIoT.Protocol.Frames;
using MedIoT.Testing;

namespace MedIoT.Gateway.Tests.Integration;

/// <summary>Signed readings flowing end to end: simulator → mosquitto → gateway → InfluxDB, all real.</summary>
public sealed class EndToEndTests(GatewayFixture ward) : IClassFixture<GatewayFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Frames_from_the_simulator_arrive_in_InfluxDB_with_their_tags_values_and_nanosecond_times()
    {
        const int FramesPerDevice = 5;
        var published = new List<(SimulatedDevice Device, DeviceFrame Frame)>();
        var devices = await Task.WhenAll(Enumerable.Range(0, GatewayFixture.Beds).Select(ward.ConnectDeviceAsync));
        var storedBefore = ward.Statistics.ObservationsStored;
        try
        {
            for (var round = 0; round < FramesPerDevice; round++)
            {
                foreach (var device in devices)
                {
                    published.Add((device, await device.PublishNextAsync(CancellationToken.None)));
                }
            }

            var expectedObservations = published.Sum(p => p.Frame.Observations.Count);
            await ward.Statistics.WaitUntilAsync(s => s.ObservationsStored >= storedBefore + expectedObservations, s_timeout);

            foreach (var (device, frame) in published)
            {
                var rows = await ward.Influx.QueryAsync(GatewayFixture.Database,
                    $"SELECT * FROM vitals WHERE device = '{device.Device.DeviceId}' AND seq = {frame.SequenceNumber}");
                Assert.Equal(frame.Observations.Count, rows.Count);
                foreach (var observation in frame.Observations)
                {
                    var row = Assert.Single(rows, r => r.Columns["code"].GetString() == observation.Code.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal(observation.TimeUnixNanoseconds, row.TimeNanoseconds);
                    Assert.Equal(observation.Value, row.Columns["value"].GetDouble());
                    Assert.Equal(observation.Unit, row.Columns["unit"].GetString());
                    Assert.Equal(device.Device.Ward, row.Columns["ward"].GetString());
                    Assert.Equal(device.Device.Bed, row.Columns["bed"].GetString());
                }
            }
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }

        ward.Logs.AssertNoErrors();
    }

    [Fact]
    public async Task Bad_frames_are_rejected_and_counted_and_the_good_frames_around_them_all_arrive()
    {
        await using var device = await ward.ConnectDeviceAsync(GatewayFixture.Beds - 1);
        // The broker's test account may publish anywhere: what reaches the gateway when a broker lets a client publish on
        // another device's topic (the shipped configuration does not: Broker/ShippedBrokerConfigurationTests).
        await using var intruder = new MqttClient(ward.TestClientOptions("intruder"));
        await intruder.ConnectAsync(CancellationToken.None);
        using var stranger = new TestDevice("ward9-bed01-spo2");
        var statistics = ward.Statistics;
        var before = Enum.GetValues<FrameRejectionReason>().ToDictionary(r => r, statistics.Rejected);
        var acceptedBefore = statistics.Accepted;
        var duplicatesBefore = statistics.Duplicates;
        var storedBefore = statistics.ObservationsStored;
        var goodFrames = new List<DeviceFrame>();
        var badPayloads = new List<string>();

        async Task Good() => goodFrames.Add(await device.PublishNextAsync(CancellationToken.None));
        async Task Bad(ReadOnlyMemory<byte> payload, string? topic = null)
        {
            badPayloads.Add(Encoding.ASCII.GetString(payload.Span));
            await intruder.PublishAsync(new MqttApplicationMessage(topic ?? device.Topic, payload), CancellationToken.None);
        }

        var staleToken = device.SignNext(out var staleFrame);
        await intruder.PublishAsync(new MqttApplicationMessage(device.Topic, staleToken), CancellationToken.None);             // accepted now...
        goodFrames.Add(staleFrame);
        for (var i = 0; i < GatewayFixture.ReplayWindow; i++)
        {
            await Good();
        }

        await Bad(staleToken);                                                                                                      // ...a replay once the window has moved on
        var token = device.SignNext(out var signedFrame);
        var parts = Encoding.ASCII.GetString(token).Split('.');
        var tampered = Encoding.UTF8.GetString(Base64Url.TryDecode(parts[1], out var payloadBytes) ? payloadBytes : []).Replace("\"seq\":", "\"seq\":1", StringComparison.Ordinal);
        await Bad(Encoding.ASCII.GetBytes(parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(tampered)) + "." + parts[2]));    // bad signature
        await Good();
        await Bad(stranger.SignNext(), stranger.Topic);                                                                             // unknown device
        await Bad(Encoding.ASCII.GetBytes("{\"spo2\": 97}"));                                                                      // not a JWS
        await Good();
        await Bad(Encoding.ASCII.GetBytes(parts[0] + "." + Base64Url.Encode("{\"v\":1,"u8) + "." + parts[2]));                      // signature checked first
        await Bad(new byte[20_000]);                                                                                                // oversize
        await Bad(SignRaw(device, "{\"v\":1,\"device\":"u8.ToArray()));                                                          // signed, malformed JSON
        await intruder.PublishAsync(new MqttApplicationMessage(device.Topic, token), CancellationToken.None);                      // first delivery of a held-back frame: accepted
        goodFrames.Add(signedFrame);
        await intruder.PublishAsync(new MqttApplicationMessage(device.Topic, token), CancellationToken.None);                      // exact replay: a duplicate, stored once
        var conflicting = new DeviceFrame(signedFrame.DeviceId, signedFrame.SequenceNumber,
            [signedFrame.Observations[0] with { Value = signedFrame.Observations[0].Value - 10 }]);
        await Bad(SignWith(device, conflicting));                                                                                   // same sequence, other content
        await Good();

        var goodObservations = goodFrames.Sum(f => f.Observations.Count);
        await statistics.WaitUntilAsync(s =>
            s.ObservationsStored >= storedBefore + goodObservations && s.RejectedTotal >= before.Values.Sum() + 8 && s.Duplicates > duplicatesBefore, s_timeout);

        Assert.Equal(acceptedBefore + goodFrames.Count, statistics.Accepted);
        Assert.Equal(duplicatesBefore + 1, statistics.Duplicates);
        Assert.Equal(storedBefore + goodObservations, statistics.ObservationsStored);
        var expectedRejections = new Dictionary<FrameRejectionReason, long>
        {
            [FrameRejectionReason.BadSignature] = 2,
            [FrameRejectionReason.UnknownDevice] = 1,
            [FrameRejectionReason.NotCompactJws] = 1,
            [FrameRejectionReason.MalformedPayload] = 1,
            [FrameRejectionReason.Oversize] = 1,
            [FrameRejectionReason.SequenceConflict] = 1,
            [FrameRejectionReason.ReplayedSequence] = 1,
        };
        foreach (var reason in Enum.GetValues<FrameRejectionReason>())
        {
            Assert.Equal(before[reason] + expectedRejections.GetValueOrDefault(reason), statistics.Rejected(reason));
        }

        var rows = await ward.Influx.QueryAsync(GatewayFixture.Database, $"SELECT * FROM vitals WHERE device = '{device.Device.DeviceId}'");
        var storedSequences = rows.Select(r => r.Columns["seq"].GetInt64()).Order().ToArray();
        var expectedSequences = goodFrames.SelectMany(f => f.Observations.Select(_ => f.SequenceNumber)).Order().ToArray();
        Assert.Equal(expectedSequences, storedSequences);

        // Rejections are logged once per reason, and never with the payload.
        foreach (var reason in expectedRejections.Keys)
        {
            Assert.Single(ward.Logs.GetSnapshot(), e => e.Id.Id is GatewayLogEvents.FrameRejected or GatewayLogEvents.SecurityRejection && e.Message.Contains($"rejected: {reason} ", StringComparison.Ordinal));
        }

        foreach (var payload in badPayloads.Where(p => p.Length > 8))
        {
            Assert.DoesNotContain(ward.Logs.GetSnapshot(), e => e.Message.Contains(payload, StringComparison.Ordinal));
        }

        ward.Logs.AssertNoErrors();
    }

    private static byte[] SignRaw(SimulatedDevice device, byte[] payload)
    {
        using var key = PrivateKeyFile.Read(device.Device.PrivateKeyPath);
        var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes($$"""{"alg":"EdDSA","kid":"{{device.Device.DeviceId}}"}""")) + "." + Base64Url.Encode(payload);
        return Encoding.ASCII.GetBytes(signingInput + "." + Base64Url.Encode(key.Sign(Encoding.ASCII.GetBytes(signingInput))));
    }

    private static byte[] SignWith(SimulatedDevice device, DeviceFrame frame)
    {
        using var key = PrivateKeyFile.Read(device.Device.PrivateKeyPath);
        return Protocol.Jws.JwsFrameEncoder.Encode(frame, key);
    }
}
